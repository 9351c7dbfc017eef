/**
 * Numbers as a real Telnyx account has them (the sandbox is not kind): the
 * number's own `/phone_numbers/{id}` is kept and used for the mode switch and
 * the release; a release Telnyx refuses leaves the number held, routed and
 * billed, visibly failed; PUT routes only numbers the account holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from '../../server/stack.js';
import { holdInSandbox } from '../../server/seed.js';
import { businessStack, buyNumber, call } from './harness.js';

let s: Stack;
const dir = mkdtempSync(join(tmpdir(), 'cf-number-ids-'));
const dbFile = join(dir, 'callflow.db');
beforeAll(async () => { s = await businessStack({ dbFile }); });
afterAll(async () => { await s.close(); rmSync(dir, { recursive: true, force: true }); });
const mainLine = () => JSON.parse(readFileSync('flows/main-line.json', 'utf8'));

const telnyx = () => s.app.locals.ctx.telnyx;
const enc = encodeURIComponent;
/** What the sandbox account lists for a number (through the official SDK, as Telnyx answers). */
const atTelnyx = async (e164: string) => (await telnyx().phoneNumbers.list({ filter: { phone_number: e164.slice(1) } })).data.find((n) => n.phone_number === e164);
const mine = async (e164: string) => (await call(s, 'GET', '/api/numbers')).body.numbers.find((n: any) => n.e164 === e164);

describe('the number id Telnyx updates and deletes by', () => {
  it('keeps the /phone_numbers id (not the order entry id) and moves the number between connections by it', async () => {
    const num = await buyNumber(s, '415', { mode: 'texml' });
    const listed = await atTelnyx(num);
    const row = await mine(num);
    const order = (await telnyx().numberOrders.retrieve(row.orderId)).data!;
    expect(row.telnyxId).toBe(listed!.id);
    expect(row.telnyxId).not.toBe(order.phone_numbers![0]!.id);
    const moved = await call(s, 'PATCH', `/api/numbers/${enc(num)}`, { mode: 'call-control' });
    expect(moved.status).toBe(200);
    expect((await atTelnyx(num))!.connection_id).toBe(s.sandbox!.callControlConnectionId);
  });

  it('a row without the id (stored before it was kept) looks it up on first use and keeps it', async () => {
    const num = await buyNumber(s, '617');
    const id = (await atTelnyx(num))!.id;
    // What migration 007 leaves for rows written before: the id forgotten.
    const db = new Database(dbFile);
    db.prepare('UPDATE numbers SET telnyx_id = NULL WHERE e164 = ?').run(num);
    db.close();
    expect((await mine(num)).telnyxId).toBeNull();
    expect((await call(s, 'PATCH', `/api/numbers/${enc(num)}`, { mode: 'call-control' })).status).toBe(200);
    expect((await atTelnyx(num))!.connection_id).toBe(s.sandbox!.callControlConnectionId);
    expect((await mine(num)).telnyxId).toBe(id);
  });
});

describe('a stored id Telnyx no longer knows', () => {
  it('the order entry id an older version kept: looked up again, so the number is released at Telnyx, not taken for gone', async () => {
    const num = await buyNumber(s, '213');
    const row = await mine(num);
    const entry = (await telnyx().numberOrders.retrieve(row.orderId)).data!.phone_numbers![0]!.id!;
    const db = new Database(dbFile);
    db.prepare('UPDATE numbers SET telnyx_id = ? WHERE e164 = ?').run(entry, num);
    db.close();
    expect((await call(s, 'PATCH', `/api/numbers/${enc(num)}`, { mode: 'call-control' })).status).toBe(200);
    expect((await atTelnyx(num))!.connection_id).toBe(s.sandbox!.callControlConnectionId);
    expect((await mine(num)).telnyxId).toBe((await atTelnyx(num))!.id);
    const db2 = new Database(dbFile);
    db2.prepare('UPDATE numbers SET telnyx_id = ? WHERE e164 = ?').run(entry, num);
    db2.close();
    const r = await call(s, 'DELETE', `/api/numbers/${enc(num)}`);
    expect(r.body).toMatchObject({ telnyx: 'released', number: { status: 'released' } });
    expect(await atTelnyx(num)).toBeUndefined(); // gone at Telnyx too: nothing billed unseen
  });
});

describe('a release Telnyx refuses', () => {
  it('stays visible as failed: still active, routed and listed at Telnyx; releasing again once allowed works', async () => {
    const num = await buyNumber(s, '212');
    s.sandbox!.refuseRelease(num, 'Number has an active port-out order.');
    const refused = await call(s, 'DELETE', `/api/numbers/${enc(num)}`);
    expect(refused.status).toBe(502);
    expect(refused.body.error).toMatchObject({ code: 'telnyx', path: ['e164'], releaseStatus: 'failed', releaseError: 'Number has an active port-out order.', telnyxStatus: 422 });
    expect(refused.body.error.message).toMatch(/Telnyx refused to release .*still yours.*bills/);
    expect(await mine(num)).toMatchObject({ status: 'active', releaseStatus: 'failed', releaseError: 'Number has an active port-out order.', releasedAt: null });
    expect((await call(s, 'GET', `/api/numbers/${enc(num)}`)).body.number.releaseStatus).toBe('failed');
    expect(await s.app.locals.ctx.store.numberByE164(num)).toBeDefined(); // calls still route to it
    expect(await atTelnyx(num)).toBeDefined(); // and Telnyx still holds (bills) it
    s.sandbox!.refuseRelease(num, null);
    const ok = await call(s, 'DELETE', `/api/numbers/${enc(num)}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ telnyx: 'released', number: { status: 'released', releaseStatus: 'released', releaseError: null } });
    expect(await atTelnyx(num)).toBeUndefined();
    expect(await s.app.locals.ctx.store.numberByE164(num)).toBeUndefined();
  });

  it('a number still on order is not released here (Telnyx would complete and bill it)', async () => {
    const pick = (await call(s, 'GET', '/api/numbers/search?areaCode=206&limit=1')).body.numbers[0].phoneNumber;
    const store = s.app.locals.ctx.store;
    const company = (await store.companyByKey(s.apiKey))!.id;
    await store.addPendingNumber({ companyId: company, e164: pick, orderId: 'ord-still-pending', monthlyMicros: 1, flowId: null, mode: 'texml' });
    const r = await call(s, 'DELETE', `/api/numbers/${enc(pick)}`);
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'conflict', path: ['e164'] });
    expect((await mine(pick)).status).toBe('pending');
  });
});

describe('PUT /api/numbers/:e164 routes only numbers the account holds', () => {
  beforeAll(async () => {
    await s.api('POST', '/api/flows', { ...mainLine(), id: 'put-line' });
    await s.api('POST', '/api/flows/put-line/publish');
  });

  it('refuses a number the Telnyx account does not list with 404 and a message that says why', async () => {
    const r = await call(s, 'PUT', `/api/numbers/${enc('+13125550171')}`, { flowId: 'put-line', mode: 'texml' });
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: 'not_found', path: ['e164'] });
    expect(r.body.error.message).toContain('not on your Telnyx account');
    expect(await s.app.locals.ctx.store.numberByE164('+13125550171')).toBeUndefined();
  });

  it('routes a number the account holds (bought outside this server) and keeps its Telnyx id', async () => {
    const id = await holdInSandbox(telnyx(), '+13125550172', s.sandbox!.texmlConnectionId);
    const r = await call(s, 'PUT', `/api/numbers/${enc('+13125550172')}`, { flowId: 'put-line', mode: 'texml' });
    expect(r.status).toBe(200);
    expect(r.body.number).toMatchObject({ e164: '+13125550172', flowId: 'put-line', mode: 'texml' });
    expect(await mine('+13125550172')).toMatchObject({ status: 'active', telnyxId: id });
    expect((await s.app.locals.ctx.store.numberByE164('+13125550172'))?.flowId).toBe('put-line');
  });

  it("never routes another company's number, even one the account lists", async () => {
    const num = await buyNumber(s, '305');
    const other = (await s.app.locals.ctx.store.createCompany('Other PUT')).apiKey;
    expect((await call(s, 'POST', '/api/flows', { ...mainLine(), id: 'theirs' }, other)).status).toBe(201);
    const r = await call(s, 'PUT', `/api/numbers/${enc(num)}`, { flowId: 'theirs', mode: 'texml' }, other);
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'conflict', path: ['e164'] });
    expect(r.text).not.toContain(num);
    const routed = await s.app.locals.ctx.store.numberByE164(num);
    expect(routed).toMatchObject({ companyId: (await s.app.locals.ctx.store.companyByKey(s.apiKey))!.id, flowId: null });
    // The company that holds it re-points it without asking Telnyx.
    expect((await call(s, 'PUT', `/api/numbers/${enc(num)}`, { flowId: 'put-line', mode: 'texml' })).status).toBe(200);
  });
});
