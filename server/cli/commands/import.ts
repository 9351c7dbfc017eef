import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { formatReport, importStudio } from '../../../engine/import/studio/index.js';
import { lintFlow } from '../../../engine/lint.js';
import { parseFlow } from '../../../engine/schema.js';
import { openSqliteStore } from '../../store/sqlite.js';
import { dbPath, pickCompany } from './admin.js';

export const summary = 'import a flow from another tool: callflow import studio FILE [--id ID] [--name NAME] [--out FILE | --save]';

const USAGE = `usage: callflow import studio FILE [--id ID] [--name NAME] [--timezone TZ] [--out FILE | --save [--company NAME|ID]]
  FILE     a Twilio Studio flow: the definition JSON (Studio's "Export to JSON") or the REST API's Flow resource
  --out    write the callflow/1 flow to FILE (otherwise it is printed on standard output and the report on standard error)
  --save   save it as a new draft flow in the server's database (CALLFLOW_DB, default ./data/callflow.db)
  Exit 0 when the flow was imported (with warnings or not), 1 when FILE is not a Studio flow, 2 on wrong usage.
`;

/** `callflow import studio FILE …`: the report (what mapped, what changed, what did not), then the flow, written or saved. */
export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: { id: { type: 'string' }, name: { type: 'string' }, timezone: { type: 'string' }, out: { type: 'string' }, save: { type: 'boolean' }, company: { type: 'string' } } });
  } catch (e) { process.stderr.write(`import: ${(e as Error).message}\n${USAGE}`); return 2; }
  const [tool, file, ...extra] = args.positionals;
  const v = args.values;
  if (tool !== 'studio' || !file || extra.length || (v.out && v.save)) { process.stderr.write(USAGE); return 2; }
  let raw: unknown;
  try { raw = JSON.parse(readFileSync(file, 'utf8')); }
  catch (e) { process.stderr.write(`import: cannot read ${file} as JSON: ${(e as Error).message}\n`); return 1; }
  const r = importStudio(raw, { id: v.id, name: v.name, timezone: v.timezone, source: basename(file) });
  if (!r.ok) {
    process.stderr.write(`import: ${file} is not a Twilio Studio flow:\n${r.issues.map((i) => `  at ${i.path || '(top)'}: ${i.message}`).join('\n')}\n`);
    return 1;
  }
  const check = (() => { try { parseFlow(r.flow); return ''; } catch (e) { return (e as Error).message; } })();
  if (check) { process.stderr.write(`import: the imported flow is not valid (${check}); please report this with the Studio file\n`); return 1; }
  const findings = lintFlow(r.flow);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const report = `${formatReport(r.report)}lint: ${errors} error(s), ${findings.length - errors} warning(s)${errors ? ' (errors block publishing: fix them, or dismiss the import notes in the builder)' : ''}\n`;
  const json = `${JSON.stringify(r.flow, null, 2)}\n`;
  if (v.out) {
    writeFileSync(v.out, json);
    process.stdout.write(`${report}Wrote ${v.out} (flow "${r.flow.id}")\n`);
    return 0;
  }
  if (!v.save) { process.stderr.write(report); process.stdout.write(json); return 0; }
  const db = dbPath();
  if (!existsSync(db)) { process.stderr.write(`import: no database at ${db} (set CALLFLOW_DB to the server's database)\n`); return 1; }
  const store = openSqliteStore(db);
  try {
    const company = pickCompany(await store.listCompanies(), v.company);
    if (typeof company === 'string') { process.stderr.write(`import: ${company}\n`); return 1; }
    const row = await store.createFlow(company.id, r.flow.id, r.flow.name, r.flow);
    if (!row) { process.stderr.write(`${report}import: a flow with id "${r.flow.id}" exists already in "${company.name}": pick another with --id\n`); return 1; }
    process.stdout.write(`${report}Saved as the draft flow "${r.flow.id}" of "${company.name}" (${db}); open it in the builder: #/flows/${r.flow.id}\n`);
    return 0;
  } finally { await store.close(); }
}
