import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../server/store/sqlite.js';
import { parseFlow } from '../engine/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'callflow-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npx callflow …` as a person runs it: the real bin, a real file, its own process. */
function callflow(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['bin/callflow.js', ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('callflow import studio', () => {
  it('--out writes the flow and prints the report; warnings still exit 0', () => {
    const out = join(dir, 'account.json');
    const r = callflow(['import', 'studio', 'fixtures/studio/account-line.json', '--id', 'accounts', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^NOT MAPPED lookup \(make-http-request\) → lookup$/m);
    expect(r.out).toMatch(/^changed +ask_account \(gather-input-on-call\) → ask_account$/m);
    expect(r.out).toContain('14 Studio states: 4 mapped, 6 mapped with changes, 0 merged into another step, 3 not mapped (placeholders), 1 skipped; 4 Liquid expression(s) kept as text.');
    expect(r.out).toMatch(/lint: 5 error\(s\), \d+ warning\(s\) \(errors block publishing/);
    const flow = parseFlow(JSON.parse(readFileSync(out, 'utf8')));
    expect(flow).toMatchObject({ id: 'accounts', name: 'Account line', start: 'ask_account', import: { from: 'twilio-studio', source: 'account-line.json' } });
  });

  it('without --out prints the flow on stdout (to pipe) and the report on stderr', () => {
    const r = callflow(['import', 'studio', 'fixtures/studio/after-hours-resource.json', '--name', 'Closed line']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ format: 'callflow/1', id: 'closed-line', name: 'Closed line', start: 'closed' });
    expect(r.err).toContain('4 Studio states: 4 mapped');
  });

  it('a file that is not Studio JSON exits 1 and names the JSON path of the problem', () => {
    const r = callflow(['import', 'studio', 'fixtures/studio/bad/transition-without-event.json']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('is not a Twilio Studio flow');
    expect(r.err).toContain('at states.0.transitions.0.event');
    const flowFile = callflow(['import', 'studio', 'flows/main-line.json']);
    expect(flowFile.code).toBe(1);
    expect(flowFile.err).toContain('at format: this is already a callflow/1 flow');
  });

  it('wrong usage exits 2 with the usage', () => {
    const r = callflow(['import', 'zapier', 'x.json']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: callflow import studio FILE');
  });

  it('--save stores a draft in the database; a second save with the same id is refused', async () => {
    const db = join(dir, 'callflow.db');
    const store = openSqliteStore(db);
    const { company } = await store.createCompany('Acme');
    await store.close();
    const r = callflow(['import', 'studio', 'fixtures/studio/main-ivr.json', '--save'], { CALLFLOW_DB: db });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Saved as the draft flow "acme-main-ivr" of "Acme"');
    const again = callflow(['import', 'studio', 'fixtures/studio/main-ivr.json', '--save'], { CALLFLOW_DB: db });
    expect(again.code).toBe(1);
    expect(again.err).toContain('a flow with id "acme-main-ivr" exists already');
    const check = openSqliteStore(db);
    const row = await check.getFlow(company.id, 'acme-main-ivr');
    await check.close();
    expect(parseFlow(row!.doc).nodes.find((n) => n.id === 'main_menu')?.type).toBe('menu');
  });
});
