import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';
import type { Snapshot } from '../../engine/types.js';

let store: Store;
let company: string;
let t = new Date('2026-11-25T16:00:00Z');
const snap = (value: string): Snapshot => ({ status: 'active', value, context: { call: { id: 'c', from: '+13125550147', to: '+18445550199', direction: 'inbound' }, vars: {}, local: {}, seq: 1, ended: false } });
const start = (id: string, customer = '+13125550147') => store.startConversation({ id, companyId: company, number: '+18445550199', customer, flowId: 'f', version: 1 });

beforeEach(async () => {
  store = openSqliteStore(':memory:', () => t);
  company = (await store.createCompany('Acme')).company.id;
  await store.putNumber(company, '+18445550199', 'f', 'texml');
});
afterEach(async () => { await store.close(); });

describe('conversation sessions', () => {
  it('one active conversation per (number, texter); a finished one makes room for the next', async () => {
    expect(await start('a')).toMatchObject({ id: 'a', seq: 0, status: 'active', snapshot: null });
    expect(await start('b')).toBeUndefined();
    expect(await start('c', '+13125550148')).toMatchObject({ id: 'c' });
    expect(await store.saveConversation('a', 0, snap('__end'), { dueAt: null, done: true, endedReason: 'end-of-flow' })).toBe(true);
    expect(await start('d')).toMatchObject({ id: 'd' });
    expect((await store.activeConversation('+18445550199', '+13125550147'))!.id).toBe('d');
  });

  it('a step is one conditional write on seq: the second writer at the same seq loses', async () => {
    await start('a');
    expect(await store.saveConversation('a', 0, snap('wait'), { dueAt: '2026-11-25T16:30:00.000Z', done: false })).toBe(true);
    expect(await store.saveConversation('a', 0, snap('other'), { dueAt: null, done: false })).toBe(false);
    expect(await store.activeConversation('+18445550199', '+13125550147')).toMatchObject({ seq: 1, dueAt: '2026-11-25T16:30:00.000Z', snapshot: snap('wait') });
  });

  it('due conversations by due time; STOP ends them (and they are no longer due)', async () => {
    await start('a'); await start('b', '+13125550148');
    await store.saveConversation('a', 0, snap('wait'), { dueAt: '2026-11-25T16:30:00.000Z', done: false });
    await store.saveConversation('b', 0, snap('wait'), { dueAt: '2026-11-25T16:20:00.000Z', done: false });
    expect((await store.dueConversations('2026-11-25T16:25:00.000Z', 10)).map((c) => c.id)).toEqual(['b']);
    expect((await store.dueConversations('2026-11-25T16:30:00.000Z', 10)).map((c) => c.id)).toEqual(['b', 'a']);
    expect(await store.endConversations(company, '+13125550147', 'stopped')).toBe(1);
    expect((await store.dueConversations('2026-11-25T17:00:00.000Z', 10)).map((c) => c.id)).toEqual(['b']);
    expect((await store.conversationsWith(company, '+13125550147'))[0]).toMatchObject({ status: 'done', endedReason: 'stopped', dueAt: null });
    // A stale step after STOP writes nothing.
    expect(await store.saveConversation('a', 1, snap('bye'), { dueAt: null, done: true })).toBe(false);
  });

  it('a number\'s SMS flow: set, cleared, only on the company\'s own number', async () => {
    expect(await store.smsFlowOf('+18445550199')).toBeNull();
    expect(await store.setSmsFlow(company, '+18445550199', 'texts')).toBe(true);
    expect(await store.smsFlowOf('+18445550199')).toBe('texts');
    const other = (await store.createCompany('Other')).company.id;
    expect(await store.setSmsFlow(other, '+18445550199', 'x')).toBe(false);
    expect(await store.smsFlowOf('+19995550100')).toBeUndefined();
    expect(await store.setSmsFlow(company, '+18445550199', null)).toBe(true);
    expect(await store.smsFlowOf('+18445550199')).toBeNull();
  });
});
