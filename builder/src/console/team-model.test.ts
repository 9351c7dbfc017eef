import { describe, expect, it } from 'vitest';
import { availableNow, fieldErrors, memberIdFor, usedByText } from './team-model.js';

describe('team page model', () => {
  it('is available now only when a call would ring them, and says why not', () => {
    expect(availableNow({ status: 'available', setStatus: 'available', onCall: null })).toEqual({ yes: true, why: 'Yes' });
    expect(availableNow({ status: 'offline', setStatus: 'available', onCall: null }).why).toBe('No: outside working hours');
    expect(availableNow({ status: 'busy', setStatus: 'available', onCall: 'v3:x' }).why).toBe('No: on a call');
    expect(availableNow({ status: 'busy', setStatus: 'busy', onCall: null }).why).toBe('No: busy');
  });

  it('makes readable ids that are not taken', () => {
    expect(memberIdFor('Ana María', new Set())).toBe('ana-maria');
    expect(memberIdFor('Ana María', new Set(['ana-maria']))).toBe('ana-maria-2');
    expect(memberIdFor('  ', new Set())).toBe('member');
  });

  it('puts the API issues where the form and the hours editor read them', () => {
    const err = Object.assign(new Error('to: E.164'), { status: 400, body: { error: { path: ['to'], issues: [
      { path: ['to'], message: 'E.164 number or sip: URI' },
      { path: ['workingHours', 'weekly', 'mon', 0, 'open'], message: 'Use 24-hour time like 09:00' },
    ] } } });
    const f = fieldErrors(err);
    expect(f.get('to')).toBe('E.164 number or sip: URI');
    expect(f.get('weekly.mon.0.open')).toBe('Use 24-hour time like 09:00');
    expect(fieldErrors(new Error('offline')).get('')).toBe('offline');
  });

  it('names the flows and nodes that ring a member', () => {
    expect(usedByText({ usedBy: [{ flowId: 'm', name: 'Main', nodes: ['team', 'xfer'] }, { flowId: 'o', name: 'Other', nodes: ['rr'] }] })).toBe('Main (team, xfer); Other (rr)');
    expect(usedByText({})).toBe('');
  });
});
