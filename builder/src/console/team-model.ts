/**
 * The team page's pure parts: what GET /api/team answers, whether a member can take a call now and why not,
 * and the API's validation issues as the hours editor's per-field messages. Tested without a browser.
 */
export type MemberStatus = 'available' | 'busy' | 'offline';
export const STATUSES: MemberStatus[] = ['available', 'busy', 'offline'];

/** A member's working hours as the API keeps them (the hours node's weekly, holidays, overrides, plus a zone). */
export interface WorkingHours { timezone: string; weekly: Record<string, Array<{ open: string; close: string }>>; holidays?: Array<{ date: string; name: string }>; overrides?: unknown[] }

/** One member of GET /api/team. */
export interface TeamMember {
  id: string; name: string; to: string;
  /** What a call sees now: `offline` outside working hours even when they chose available. */
  status: MemberStatus;
  /** What they chose. */
  setStatus: MemberStatus;
  workingHours: WorkingHours | null;
  onCall: string | null;
  usedBy?: Array<{ flowId: string; name: string; nodes: string[] }>;
}

/** "Available now?": yes only when a call would ring them now, else the reason in words. */
export function availableNow(m: Pick<TeamMember, 'status' | 'setStatus' | 'onCall'>): { yes: boolean; why: string } {
  if (m.status === 'available') return { yes: true, why: 'Yes' };
  if (m.onCall) return { yes: false, why: 'No: on a call' };
  if (m.setStatus === 'available') return { yes: false, why: 'No: outside working hours' };
  return { yes: false, why: `No: ${m.setStatus}` };
}

/** A fresh member id from a name (`Ana María` → `ana-maria`, `ana-maria-2` when taken). */
export function memberIdFor(name: string, taken: Set<string>): string {
  const stem = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56) || 'member';
  let id = stem;
  for (let i = 2; taken.has(id); i++) id = `${stem}-${i}`;
  return id;
}

/**
 * The API's 400 as messages per field: `{name: …, to: …}` for the form, and the working-hours ones keyed as the
 * hours editor reads them (`weekly.mon.0.open`). Anything else is under `''`.
 */
export function fieldErrors(err: unknown): Map<string, string> {
  const out = new Map<string, string>();
  // An ApiError (api.ts) carries the answer's body; read by shape so this file stays free of the browser's fetch.
  if (!(err instanceof Error) || !(err as { body?: unknown }).body) { out.set('', (err as Error)?.message ?? String(err)); return out; }
  const issues: Array<{ path?: Array<string | number>; message: string }> = (err as any).body?.error?.issues ?? [{ path: (err as any).body?.error?.path ?? [], message: err.message }];
  for (const i of issues) {
    const path = (i.path ?? []).map(String);
    const key = path[0] === 'workingHours' ? path.slice(1).join('.') : path.join('.');
    if (!out.has(key)) out.set(key, i.message);
  }
  return out;
}

/** One line saying which flows ring a member, for the table and the remove confirmation. */
export function usedByText(m: Pick<TeamMember, 'usedBy'>): string {
  const uses = m.usedBy ?? [];
  return uses.map((u) => `${u.name} (${u.nodes.join(', ')})`).join('; ');
}
