import { afterEach, describe, expect, it, vi } from 'vitest';
import { run as simulate } from '../server/cli/commands/simulate.js';
import { run as lint } from '../server/cli/commands/lint.js';

/** Runs a CLI command in-process and returns its exit code and what it printed. */
async function cli(cmd: (argv: string[]) => Promise<number>, argv: string[]) {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  const code = await cmd(argv);
  vi.restoreAllMocks();
  return { code, out, err };
}
afterEach(() => vi.restoreAllMocks());

describe('callflow simulate', () => {
  it('runs an SMS flow as a text conversation: --text per text, - for no reply; without texts it says what to give', async () => {
    const r = await cli(simulate, ['flows/sms-keywords.json', '--at', '2026-11-25T10:00:00-06:00', '--text', 'hello', '--text', '-', '--text', 'where']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('path: pick [other] → menu [next] → wait');
    expect(r.out).toContain('waits 30 min for a reply');
    expect(r.out).toContain('step 2  no reply (timeout) at 2026-11-25T16:30:00.000Z (run 1)');
    expect(r.out).toContain('step 3  text "where" at 2026-11-25T16:31:00.000Z (run 2)');
    expect(r.out).toContain('to +13125550147: Acme Plumbing, 1200 W Fulton St, Chicago IL 60607.');
    const none = await cli(simulate, ['flows/sms-keywords.json']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/is an SMS flow: give the texter's texts with --text/);
  });

  it('prints the path and the TeXML of each step (main line, Monday 10:00, press 1)', async () => {
    const r = await cli(simulate, ['flows/main-line.json', '--digits', '1', '--at', '2026-11-23T10:00:00-08:00']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('path: welcome [next] → hours [open] → menu');
    expect(r.out).toContain('<Gather action="https://callflow.example/webhooks/texml/gather-menu-1"');
    expect(r.out).toContain('path: [1] → sales');
    expect(r.out).toContain('<Number>+13125550101</Number>');
    expect(r.out).toMatch(/call ended: hangup at "end"/);
  });

  it('prints Call Control commands with --mode call-control', async () => {
    const r = await cli(simulate, ['flows/main-line.json', '--digits', '1', '--at', '2026-11-23T10:00:00-08:00', '--mode', 'call-control']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('command: speak');
    expect(r.out).toContain('command: gather_using_speak');
    expect(r.out).toMatch(/command: transfer \{[^\n]*"to":"\+13125550101"/);
  });

  it('after hours it goes to voicemail', async () => {
    const r = await cli(simulate, ['flows/main-line.json', '--at', '2026-11-28T19:00:00-08:00', '--json']);
    const steps = JSON.parse(r.out) as { path: string }[];
    expect(steps[0]!.path).toContain('hours [closed] → closed-msg [next] → voicemail');
  });

  it.each([
    [['--digits', 'abc'], '--digits takes keys'],
    [['--dial', 'maybe'], '--dial takes'],
    [['--screen', 'hello'], '--screen takes accept, wrong-key, silence, voicemail'],
    [['--from', '12345'], '--from must be an E.164 number'],
    [['--mode', 'sip'], '--mode must be texml or call-control'],
    [['--at', 'tomorrow'], '--at must be an ISO date'],
  ])('refuses %j with a clear message and exit 2', async (args, message) => {
    const r = await cli(simulate, ['flows/main-line.json', ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it('--screen scripts the people who answer a screened dial: a voicemail is skipped, the next member accepts', async () => {
    const r = await cli(simulate, ['flows/sales-screened.json', '--screen', 'voicemail,accept', '--at', '2026-11-25T12:00:00-06:00']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('<Number url="https://callflow.example/webhooks/texml/screen-sales-1" method="POST">+13125550141</Number>');
    expect(r.out).toContain('dial.ended no-answer');
    expect(r.out).toContain('dial.ended connected +13125550142');
  });

  it('explains why a broken file is not a flow', async () => {
    const r = await cli(simulate, ['fixtures/bad-flows/unknown-node-type.json']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('is not a valid callflow/1 flow');
  });
});

describe('callflow lint', () => {
  it('passes the example flows and skips the JSON Schema beside them', async () => {
    const r = await cli(lint, ['flows/main-line.json', 'flows/callflow.schema.json']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('flows/main-line.json: no problems');
    expect(r.out).toContain('skipped (a JSON Schema, not a flow)');
  });
});

describe('callflow lint on a broken flow', () => {
  it('names each problem and its node, and exits 1', async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'cf-lint-'));
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify((JSON.parse(readFileSync('fixtures/bad-flows/endless-loop.json', 'utf8')) as { flow: unknown }).flow));
    const r = await cli(lint, [file]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/error\s+node "[^"]+": .*forever/i);
  });
});
