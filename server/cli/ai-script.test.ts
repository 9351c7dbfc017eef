import { describe, expect, it } from 'vitest';
import { aiArgs, assistantArgs } from './ai-script.js';
import { callRequest } from './commands/call.js';

describe('--ai and --assistant', () => {
  it('read a JSON object as the collected fields, failed and hangup as words', () => {
    expect(aiArgs(['{"name":"Sam","party":4}', 'failed', 'hangup'])).toEqual({ ai: [{ result: { name: 'Sam', party: 4 } }, { failed: true }, { hangup: true }] });
    expect(aiArgs(undefined)).toEqual({});
    expect(assistantArgs('done, failed,hangup')).toEqual({ assistant: ['done', 'failed', 'hangup'] });
  });

  it('refuse anything else with a sentence naming the value', () => {
    expect(aiArgs(['Sam'])).toEqual({ error: expect.stringContaining('"Sam"') });
    expect(aiArgs(['["Sam"]'])).toEqual({ error: expect.stringContaining('JSON object') });
    expect(assistantArgs('done,maybe')).toEqual({ error: '--assistant takes done, failed or hangup separated by commas, not "maybe"' });
  });

  it('callflow call puts them in the POST /sandbox/calls body', () => {
    const r = callRequest(['+13125550100', '--ai', '{"name":"Sam"}', '--ai', 'failed', '--assistant', 'failed']);
    expect('body' in r && r.body).toMatchObject({ to: '+13125550100', ai: [{ result: { name: 'Sam' } }, { failed: true }], assistant: ['failed'] });
    expect(callRequest(['+13125550100', '--ai', 'nope'])).toEqual({ error: expect.stringContaining('--ai takes') });
  });
});
