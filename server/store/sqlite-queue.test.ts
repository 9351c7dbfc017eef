import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from './sqlite.js';
import { STALE_WAIT_MS } from './sqlite-queue.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

async function fresh() {
  const dir = mkdtempSync(join(tmpdir(), 'cf-queue-'));
  dirs.push(dir);
  let now = new Date('2026-11-23T16:00:00Z');
  const s = openSqliteStore(join(dir, 'callflow.db'), () => now);
  const { company } = await s.createCompany('Acme');
  const { company: other } = await s.createCompany('Other');
  const join_ = (callId: string, companyId = company.id, nodeId = 'line') => s.queueJoin({ companyId, flowId: 'f', version: 1, nodeId, callId });
  return { s, company: company.id, other: other.id, join: join_, tick: (ms: number) => { now = new Date(now.getTime() + ms); } };
}

describe('queue store (migration 019)', () => {
  it('places in line by arrival; a retried join keeps the place; lines are per company, flow and node', async () => {
    const { s, company, other, join } = await fresh();
    await join('a'); await join('b'); await join('a'); await join('c', other); await join('d', company, 'other-line');
    expect(await s.queueAhead(company, 'f', 'line', 'a')).toBe(0);
    expect(await s.queueAhead(company, 'f', 'line', 'b')).toBe(1);
    expect(await s.queueAhead(company, 'f', 'line', 'new')).toBe(2); // not joined yet: everyone is ahead
    expect(await s.queueAhead(other, 'f', 'line', 'x')).toBe(1);
    expect((await s.queueEntries(company)).map((e) => e.callId)).toEqual(['d', 'b', 'a']);
  });

  it('leaving is one conditional write: two agents answering the same caller, one wins', async () => {
    const { s, company, join } = await fresh();
    await join('a'); await join('b');
    const [x, y] = await Promise.all([s.queueLeave('a', 'line', 'connected', { agent: 'alice' }), s.queueLeave('a', 'line', 'connected', { agent: 'bob' })]);
    expect([x, y].sort()).toEqual([false, true]);
    expect((await s.queueEntryOf('b', 'line'))?.state).toBe('waiting');
    expect((await s.queueEntries(company)).find((e) => e.callId === 'a')).toMatchObject({ state: 'connected', agent: 'alice' });
    expect(await s.queueAhead(company, 'f', 'line', 'b')).toBe(0);
    expect(await s.queueLeave('a', 'line', 'timeout', {})).toBe(false); // already left
  });

  it('a call back keeps the place; it is due only when first in line, and claimed once', async () => {
    const { s, company, join } = await fresh();
    await join('a'); await join('b'); await join('c');
    await s.queueLeave('b', 'line', 'callback', { callbackTo: '+13125550147', callbackFrom: '+13125550100' });
    expect(await s.queueAhead(company, 'f', 'line', 'c')).toBe(2); // b still holds its place
    expect(await s.queueCallbacksDue(company)).toEqual([]); // a is ahead of b
    expect(await s.queueAbandon('a')).toBe(1);
    const due = await s.queueCallbacksDue(company);
    expect(due.map((e) => [e.firstCallId, e.callbackTo, e.callbackFrom])).toEqual([['b', '+13125550147', '+13125550100']]);
    const claims = await Promise.all([s.queueClaimCallback(due[0]!.id, 'claim-1'), s.queueClaimCallback(due[0]!.id, 'claim-2')]);
    const claim = claims[0] ? 'claim-1' : 'claim-2';
    expect([...claims].sort()).toEqual([false, true]);
    expect(await s.queueLinkCallback(due[0]!.id, claim, 'back-1')).toBe(true);
    expect(await s.queueLinkCallback(due[0]!.id, claim, 'back-1')).toBe(true); // the dial's answer and the first webhook both link
    expect(await s.queueLinkCallback(due[0]!.id, claim, 'intruder')).toBe(false);
    expect((await s.queueEntryOf('back-1', 'line'))?.state).toBe('calling');
    await join('back-1'); // the call back's own join keeps the place it was placed for
    expect(await s.queueAhead(company, 'f', 'line', 'back-1')).toBe(0);
    expect(await s.queueAhead(company, 'f', 'line', 'c')).toBe(1);
    expect(await s.queueAbandon('back-1')).toBe(1); // not answered
    expect((await s.queueEntry(due[0]!.id))?.state).toBe('missed');
  });

  it('a claimed call back that could not be placed goes back to waiting for its call back', async () => {
    const { s, company, join } = await fresh();
    await join('a');
    await s.queueLeave('a', 'line', 'callback', { callbackTo: '+13125550147' });
    const [e] = await s.queueCallbacksDue(company);
    expect(await s.queueClaimCallback(e!.id, 'claim')).toBe(true);
    await s.queueReleaseCallback(e!.id, 'claim');
    expect((await s.queueEntry(e!.id))).toMatchObject({ state: 'callback', callId: 'a' });
  });

  it('the expected wait learns from connected callers; a waiting place older than the stale bound stops counting', async () => {
    const { s, company, join, tick } = await fresh();
    expect(await s.queueAverageWait(company, 'f', 'line')).toBeUndefined();
    await join('a'); tick(90_000); await s.queueLeave('a', 'line', 'connected', {});
    await join('b'); tick(30_000); await s.queueLeave('b', 'line', 'connected', {});
    expect(await s.queueAverageWait(company, 'f', 'line')).toBe(60);
    await join('lost');
    await join('kept'); await s.queueLeave('kept', 'line', 'callback', { callbackTo: '+13125550147' });
    tick(STALE_WAIT_MS + 1000);
    expect(await s.queueAhead(company, 'f', 'line', 'new')).toBe(1); // only the call back's place
    expect((await s.queueCallbacksDue(company)).map((e) => e.firstCallId)).toEqual(['kept']);
  });
});
