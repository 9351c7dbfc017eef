import { describe, expect, it } from 'vitest';
import { CALLER, flowOf, runCall } from './nodes/test-kit.js';
import { renderTexml } from './texml.js';
import { toCommands } from './call-control.js';
import type { Env, Mode } from './types.js';

/**
 * Issue #11 item 8: a menu, collect or voicemail prompt with a `{{template}}`
 * threw on every call (the kinds passed `ctx.fill` on detached), so the caller
 * heard the apology. Here each of them, in both modes, through the renderers.
 */
const env = (mode: Mode): Env => ({ now: '2026-11-23T15:00:00Z', mode, company: { name: 'Acme' } });
const urls = { action: (i: { verb: string; node: string; seq: number }) => `https://cf.example/webhooks/texml/${i.verb}-${i.node}-${i.seq}` };

const cases = [
  ['menu', { prompt: { text: 'Hello {{caller.from}}, press 1.' }, invalidPrompt: { text: '{{company.name}} has no such option.' }, options: { '1': 'One' } }],
  ['collect', { prompt: { text: 'Hello {{caller.from}}, enter 4 digits.' }, invalidPrompt: { text: '{{company.name}} needs 4 digits.' }, variable: 'pin', numDigits: 4, maxRetries: 1 }],
  ['voicemail', { greeting: { text: 'Hello {{caller.from}}, {{company.name}} is listening.' } }],
] as const;

describe.each(['texml', 'call-control'] as const)('templated prompts (%s)', (mode) => {
  it.each(cases)('%s fills the template in its prompt instead of throwing', (type, data) => {
    const flow = flowOf([{ id: 'n', type, data }, { id: 'bye', type: 'hangup', data: {} }], []);
    const [r] = runCall(flow, env(mode), []);
    const said = JSON.stringify(r!.instructions);
    expect(said).toContain(`Hello ${CALLER}`);
    expect(said).not.toContain('{{');
    expect(said).not.toContain('something went wrong');
    if (mode === 'texml') expect(renderTexml(r!.instructions, urls)).toContain(`Hello ${CALLER}`);
    else expect(JSON.stringify(toCommands(r!.instructions, { callId: 'c', flowId: 'f' }))).toContain(`Hello ${CALLER}`);
  });

  it.each(cases.slice(0, 2))('%s fills its invalid prompt on a re-prompt', (type, data) => {
    const flow = flowOf([{ id: 'n', type, data }], []);
    const rs = runCall(flow, env(mode), [{ type: 'input.digits', digits: '9' }]);
    const said = JSON.stringify(rs[1]!.instructions);
    expect(said).toContain('Acme');
    expect(said).toContain(`Hello ${CALLER}`);
  });
});
