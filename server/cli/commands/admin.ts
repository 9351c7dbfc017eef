import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { openSqliteStore } from '../../store/sqlite.js';
import type { Company, Store } from '../../store/types.js';

export const summary = 'administer the server database (create-company NAME, create-key [--company NAME|ID], list-companies)';

const USAGE = `usage: callflow admin create-company NAME          a new company and its API key
       callflow admin create-key [--company NAME|ID] a new API key for an existing company (the only one, if there is one)
       callflow admin list-companies                 the companies in the database
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
  if ((sub === 'create-key' || sub === 'list-companies') && !existsSync(file)) {
    process.stderr.write(`admin ${sub}: no database at ${file} (set CALLFLOW_DB to the server's database)\n`);
    return 1;
  }
  if (sub === 'create-key') {
    let which: string | undefined;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (a === '--company' && rest[i + 1] !== undefined) which = rest[++i]!;
      else if (a.startsWith('--company=')) which = a.slice('--company='.length);
      else { process.stderr.write(`admin create-key: unexpected argument ${a}\n${USAGE}`); return 2; }
    }
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
