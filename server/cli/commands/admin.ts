import { openSqliteStore } from '../../store/sqlite.js';

export const summary = 'administer the server database (create-company NAME)';

const USAGE = 'usage: callflow admin create-company NAME   (database: CALLFLOW_DB, default ./data/callflow.db)\n';

/** `callflow admin create-company NAME`: prints the company and, on the last line, its new API key. */
export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const name = rest.join(' ').trim();
  if (sub !== 'create-company' || !name) {
    process.stderr.write(USAGE);
    return sub === '--help' || sub === 'help' ? 0 : 2;
  }
  const file = process.env.CALLFLOW_DB ?? './data/callflow.db';
  const store = openSqliteStore(file);
  try {
    const { company, apiKey } = await store.createCompany(name);
    process.stdout.write(`Created company "${company.name}" (${company.id}) in ${file}.\nIts API key (shown once; only a hash is stored):\n${apiKey}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
