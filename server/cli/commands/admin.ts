import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { openSqliteStore } from '../../store/sqlite.js';
import type { Company, Store } from '../../store/types.js';
import { newToken } from '../../api/auth.js';
import { resetUrl } from '../../accounts/links.js';

export const summary = 'administer the server database (create-company NAME, create-key [--company NAME|ID], revoke-key KEY | --company NAME|ID --all, list-companies, reset-link EMAIL, backup FILE)';

const USAGE = `usage: callflow admin create-company NAME          a new company and its API key
       callflow admin create-key [--company NAME|ID] a new API key for an existing company (the only one, if there is one)
       callflow admin revoke-key KEY                 revoke that API key (e.g. a leaked one); the company's other keys keep working
       callflow admin revoke-key --company NAME|ID --all   revoke every API key of that company
       callflow admin list-companies                 the companies in the database
       callflow admin reset-link EMAIL               a one-time link (1 h) for that person to set a new password
       callflow admin backup FILE                    an online copy of the whole database to FILE (a new file), while the server runs
  A revoked key gets 401 on its next request, also on a server that is running.
  database: CALLFLOW_DB, default ./data/callflow.db
`;

/** The database file the server uses: CALLFLOW_DB, default ./data/callflow.db, as an absolute path. */
export const dbPath = () => resolve(process.env.CALLFLOW_DB ?? './data/callflow.db');

/** The company `which` names (id, else exact name, else case-insensitive name); without `which`, the only company. */
export function pickCompany(companies: Company[], which: string | undefined): Company | string {
  if (!companies.length) return 'there are no companies yet: start the server once (npm start) or run `callflow admin create-company NAME`';
  if (which === undefined) {
    if (companies.length === 1) return companies[0]!;
    return `there are ${companies.length} companies: pick one with --company NAME|ID (see \`callflow admin list-companies\`)`;
  }
  const byId = companies.find((c) => c.id === which);
  if (byId) return byId;
  const exact = companies.filter((c) => c.name === which);
  const named = exact.length ? exact : companies.filter((c) => c.name.toLowerCase() === which.toLowerCase());
  if (named.length === 1) return named[0]!;
  if (named.length > 1) return `${named.length} companies are called "${which}": use the id (${named.map((c) => c.id).join(', ')})`;
  return `no company "${which}" (see \`callflow admin list-companies\`)`;
}

async function withStore<T>(file: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = openSqliteStore(file);
  try { return await fn(store); } finally { await store.close(); }
}

/**
 * `callflow admin create-company NAME` | `create-key [--company NAME|ID]` | `list-companies`.
 * Each prints the database it uses; a new API key is always on the last line.
 */
export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const file = dbPath();
  if (sub === 'create-company') {
    const name = rest.join(' ').trim();
    if (!name) { process.stderr.write(USAGE); return 2; }
    return withStore(file, async (store) => {
      const { company, apiKey } = await store.createCompany(name);
      process.stdout.write(`Database: ${file}\nCreated company "${company.name}" (${company.id}).\nIts API key (shown once; only a hash is stored):\n${apiKey}\n`);
      return 0;
    });
  }
  if ((sub === 'create-key' || sub === 'revoke-key' || sub === 'list-companies' || sub === 'reset-link' || sub === 'backup') && !existsSync(file)) {
    process.stderr.write(`admin ${sub}: no database at ${file} (set CALLFLOW_DB to the server's database)\n`);
    return 1;
  }
  if (sub === 'revoke-key') return revokeKey(file, rest);
  if (sub === 'backup') return backup(file, rest);
  if (sub === 'reset-link') return resetLink(file, rest);
  if (sub === 'create-key') {
    const args = parseArgs(rest, []);
    if (typeof args === 'string' || args.positional.length) { process.stderr.write(`admin create-key: unexpected argument ${typeof args === 'string' ? args : args.positional[0]}\n${USAGE}`); return 2; }
    const which = args.company;
    return withStore(file, async (store) => {
      process.stdout.write(`Database: ${file}\n`);
      const picked = pickCompany(await store.listCompanies(), which);
      if (typeof picked === 'string') { process.stderr.write(`admin create-key: ${picked}\n`); return 1; }
      const apiKey = await store.createApiKey(picked.id);
      if (!apiKey) { process.stderr.write(`admin create-key: company ${picked.id} vanished\n`); return 1; }
      process.stdout.write(`New API key for "${picked.name}" (${picked.id}); earlier keys keep working. Shown once; only a hash is stored:\n${apiKey}\n`);
      return 0;
    });
  }
  if (sub === 'list-companies') {
    return withStore(file, async (store) => {
      const companies = await store.listCompanies();
      process.stdout.write(`Database: ${file}\n`);
      if (!companies.length) process.stdout.write('No companies yet.\n');
      for (const c of companies) process.stdout.write(`${c.id}  ${c.createdAt}  ${c.name}\n`);
      return 0;
    });
  }
  process.stderr.write(USAGE);
  return sub === '--help' || sub === 'help' ? 0 : 2;
}

/** `--company NAME|ID` (or `--company=…`), the given flags, and the other arguments; a string names an unknown flag. */
function parseArgs(argv: string[], flags: string[]): { company?: string; flags: Set<string>; positional: string[] } | string {
  const out: { company?: string; flags: Set<string>; positional: string[] } = { flags: new Set(), positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--company' && argv[i + 1] !== undefined) out.company = argv[++i]!;
    else if (a.startsWith('--company=')) out.company = a.slice('--company='.length);
    else if (flags.includes(a)) out.flags.add(a);
    else if (a.startsWith('--')) return a;
    else out.positional.push(a);
  }
  return out;
}

/**
 * `revoke-key KEY`: that key stops working (its hash is deleted); `revoke-key --company NAME|ID --all`:
 * every key of the company. No confirmation, but nothing is revoked without naming it, and the
 * output says what was revoked and what still works.
 */
async function revokeKey(file: string, argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['--all']);
  const fail = (why: string, code = 2) => { process.stderr.write(`admin revoke-key: ${why}\n${code === 2 ? USAGE : ''}`); return code; };
  if (typeof args === 'string') return fail(`unexpected argument ${args}`);
  const [key, ...extra] = args.positional;
  if (extra.length) return fail(`unexpected argument ${extra[0]}`);
  if (key !== undefined && (args.company !== undefined || args.flags.has('--all'))) return fail('give either a KEY or --company NAME|ID --all, not both');
  if (key === undefined && args.company === undefined) return fail('name the key to revoke (revoke-key KEY), or every key of a company (--company NAME|ID --all)');
  if (key === undefined && !args.flags.has('--all')) return fail(`this revokes every API key of "${args.company}": add --all to say so, or give the one KEY to revoke`);
  return withStore(file, async (store) => {
    process.stdout.write(`Database: ${file}\n`);
    if (key !== undefined) {
      const r = await store.revokeApiKey(key);
      if (!r) return fail('no such API key in this database (revoked already, or from another database?)', 1);
      process.stdout.write(`Revoked one API key of "${r.company.name}" (${r.company.id}): requests with it get 401 from now on. `
        + `${r.remaining ? `The company's ${r.remaining} other key${r.remaining === 1 ? '' : 's'} keep${r.remaining === 1 ? 's' : ''} working.` : 'The company has no key left: `callflow admin create-key --company ' + r.company.id + '` issues one.'}\n`);
      return 0;
    }
    const picked = pickCompany(await store.listCompanies(), args.company);
    if (typeof picked === 'string') return fail(picked, 1);
    const n = await store.revokeCompanyKeys(picked.id);
    process.stdout.write(`Revoked ${n} API key${n === 1 ? '' : 's'} of "${picked.name}" (${picked.id}): requests with them get 401 from now on. `
      + `\`callflow admin create-key --company ${picked.id}\` issues a new one.\n`);
    return 0;
  });
}

/**
 * `reset-link EMAIL`: a one-time link (valid 1 h) for that person to set a new password, printed here, for an
 * operator whose owner is locked out without the server's console at hand. The link's host is PUBLIC_URL
 * (else http://localhost:PORT), as the server builds it.
 */
async function resetLink(file: string, argv: string[]): Promise<number> {
  const [email, ...extra] = argv;
  if (!email || extra.length) { process.stderr.write(`admin reset-link: give one EMAIL\n${USAGE}`); return 2; }
  return withStore(file, async (store) => {
    process.stdout.write(`Database: ${file}\n`);
    const found = await store.personByEmail(email);
    if (!found) { process.stderr.write(`admin reset-link: nobody signs in as ${email} in this database\n`); return 1; }
    const token = newToken(), at = new Date(), expiresAt = new Date(at.getTime() + 3600_000).toISOString();
    await store.createPasswordReset({ token, personId: found.person.id, at: at.toISOString(), expiresAt });
    const base = (process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/+$/, '');
    process.stdout.write(`A one-time link for ${found.person.email} (${found.person.role}) to set a new password, valid until ${expiresAt}:\n${resetUrl(base, token)}\n`);
    return 0;
  });
}

/**
 * `admin backup FILE`: SQLite's online backup of the server's database, safe while the server runs and writes (the
 * copy is consistent as of one moment). FILE must not exist; it is created 0600 (it holds everything the database
 * does). The copy opens as a database of its own: the server starts on it with CALLFLOW_DB=FILE.
 */
async function backup(file: string, rest: string[]): Promise<number> {
  if (rest.length !== 1 || rest[0]!.startsWith('--')) { process.stderr.write(`admin backup: give one FILE to write the copy to\n${USAGE}`); return 2; }
  const target = resolve(rest[0]!);
  if (existsSync(target)) { process.stderr.write(`admin backup: ${target} exists already; give a new file (an old backup is not overwritten)\n`); return 1; }
  return withStore(file, async (store) => {
    const started = Date.now();
    const { bytes } = await store.backup(target);
    const { migrations } = await store.health();
    process.stdout.write(`Database: ${file}\nBacked up to ${target}: ${(bytes / 1024 / 1024).toFixed(1)} MiB, ${migrations.applied} migrations, in ${((Date.now() - started) / 1000).toFixed(1)} s.\nRestore: stop the server, then start it with CALLFLOW_DB=${target} (or copy the file over the database).\n`);
    return 0;
  });
}
