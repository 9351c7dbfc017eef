/**
 * Who may do what, in one table the API checks before any route runs, so a route added later is covered
 * by the default: reads (GET/HEAD) need viewer, writes need editor. The exceptions below are the actions an
 * owner would not hand to every editor (money, routing of live numbers, people and deleting flows) and the
 * few writes every signed-in person makes for themselves (their session, password and own API keys).
 */
import type { Role } from '../store/account-types.js';

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

/** True when `have` is `need` or above (owner > admin > editor > viewer). */
export const atLeast = (have: Role, need: Role) => RANK[have] >= RANK[need];

/** `a viewer`, `an editor`: for messages. */
export const aRole = (r: Role) => `${/^[aeiou]/.test(r) ? 'an' : 'a'} ${r}`;

/** The lower of two roles (a key never acts above its person). */
export const lowerOf = (a: Role, b: Role): Role => (RANK[a] <= RANK[b] ? a : b);

/** What a rule is about, for the refusal's message ("buying or releasing numbers needs admin"). */
interface Rule { methods: string[] | '*'; path: RegExp; role: Role; what: string }

const RULES: Rule[] = [
  // Every signed-in person: their own session, profile, password and API keys (the routes check ownership).
  { methods: '*', path: /^\/api\/(session|me|keys)(\/|$)/, role: 'viewer', what: 'your own account' },
  // Reads that are POSTs: computing a lint or a simulation changes nothing.
  { methods: ['POST'], path: /^\/api\/flows\/(lint|simulate)$/, role: 'viewer', what: 'checking a flow' },
  // Inbox triage: marking a voicemail read/urgent or a conversation read is what a viewer does while reading
  // (playing a voicemail marks it read); it changes no configuration and deletes nothing.
  { methods: ['PATCH'], path: /^\/api\/voicemails\/[^/]+$/, role: 'viewer', what: 'marking a voicemail' },
  { methods: ['POST'], path: /^\/api\/messages\/conversations\/[^/]+\/read$/, role: 'viewer', what: 'marking a conversation read' },
  { methods: ['DELETE'], path: /^\/api\/flows\/[^/]+$/, role: 'admin', what: 'deleting a flow' },
  { methods: ['DELETE'], path: /^\/api\/schedules\/[^/]+$/, role: 'admin', what: 'deleting a schedule' },
  { methods: ['POST'], path: /^\/api\/numbers$/, role: 'admin', what: 'buying a number' },
  { methods: ['DELETE'], path: /^\/api\/numbers\/[^/]+$/, role: 'admin', what: 'releasing a number' },
  { methods: ['PUT', 'PATCH'], path: /^\/api\/numbers\/[^/]+$/, role: 'admin', what: 'changing how a number is routed' },
  { methods: ['PUT', 'PATCH', 'POST', 'DELETE'], path: /^\/api\/usage(\/|$)/, role: 'admin', what: 'changing the budget or rates' },
  // The SMTP settings hold a password and decide where the company's email comes from.
  { methods: ['PUT', 'POST', 'PATCH', 'DELETE'], path: /^\/api\/notifications\/smtp(\/|$)/, role: 'admin', what: 'changing the email (SMTP) settings' },
  { methods: ['GET', 'HEAD'], path: /^\/api\/people(\/|$)/, role: 'viewer', what: 'seeing the people' },
  { methods: '*', path: /^\/api\/(people|invitations)(\/|$)/, role: 'admin', what: 'managing people and invitations' },
  { methods: '*', path: /^\/api\/audit(\/|$)/, role: 'admin', what: 'reading the audit log' },
  { methods: ['POST'], path: /^\/api\/flows\/[^/]+\/(publish|rollback)$/, role: 'editor', what: 'publishing or rolling back a flow' },
];

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The least role a request needs and what it is about; `path` is the full path (`/api/…`, no query). */
export function requiredRole(method: string, path: string): { role: Role; what: string } {
  const m = method.toUpperCase();
  for (const r of RULES) if ((r.methods === '*' || r.methods.includes(m)) && r.path.test(path)) return { role: r.role, what: r.what };
  return READS.has(m) ? { role: 'viewer', what: 'reading' } : { role: 'editor', what: 'making changes' };
}
