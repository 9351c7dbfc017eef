import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIError } from 'telnyx';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBench, verified, type Bench } from '../../test/sandbox/harness.js';

let b: Bench;
beforeAll(async () => { b = await startBench(); });
afterAll(async () => { await b.close(); });

async function telnyxError(p: Promise<unknown>): Promise<{ status: number; errors: any[] }> {
  try { await p; } catch (e) { if (e instanceof APIError) return { status: e.status!, errors: (e.error as any).errors }; throw e; }
  throw new Error('expected a Telnyx error');
}

describe('numbers API through the official SDK', () => {
  it('lists a deterministic inventory per area code, type and features', async () => {
    const a = await b.client.availablePhoneNumbers.list({ filter: { country_code: 'US', national_destination_code: '312', features: ['sms', 'voice'], limit: 5 } });
    const again = await b.client.availablePhoneNumbers.list({ filter: { country_code: 'US', national_destination_code: '312', features: ['sms', 'voice'], limit: 5 } });
    expect(a.data).toHaveLength(5);
    expect(a.data!.map((n) => n.phone_number)).toEqual(again.data!.map((n) => n.phone_number));
    for (const n of a.data!) {
      expect(n.phone_number).toMatch(/^\+1312\d{7}$/);
      expect(n.features!.map((f) => f.name)).toEqual(expect.arrayContaining(['sms', 'voice']));
    }
    const tf = await b.client.availablePhoneNumbers.list({ filter: { phone_number_type: 'toll_free', limit: 3 } });
    expect(tf.data!.every((n) => /^\+18(00|33)/.test(n.phone_number!))).toBe(true);
    const chicago = await b.client.availablePhoneNumbers.list({ filter: { locality: 'Chicago', limit: 2 } });
    expect(chicago.data![0]!.phone_number).toMatch(/^\+1312/);
    const voiceOnly = await b.client.availablePhoneNumbers.list({ filter: { national_destination_code: '415', features: ['mms'], limit: 100 } });
    expect(voiceOnly.data!.length).toBeLessThan(40); // some numbers lack mms
  });

  it('refuses bad filters with Telnyx errors', async () => {
    const e = await telnyxError(b.client.availablePhoneNumbers.list({ filter: { limit: 1000 } }));
    expect(e.status).toBe(422);
    expect(e.errors[0]).toMatchObject({ code: '10015', source: { pointer: '/filter/limit' } });
    const f = await telnyxError(b.client.availablePhoneNumbers.list({ filter: { features: ['teleport' as any] } }));
    expect(f.errors[0].source.pointer).toBe('/filter/features');
  });

  it('answers 401 without a bearer token', async () => {
    const res = await fetch(`${b.url}/sandbox/v2/phone_numbers`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).errors[0].code).toBe('10009');
  });

  it('orders a number: pending, then a signed number_order.complete, then owned', async () => {
    const [avail] = (await b.client.availablePhoneNumbers.list({ filter: { national_destination_code: '512', limit: 1 } })).data!;
    const { data: order } = await b.client.numberOrders.create({ phone_numbers: [{ phone_number: avail!.phone_number! }], connection_id: b.sandbox.callControlConnectionId });
    expect(order!.status).toBe('pending');
    const hook = await b.waitFor((h) => h.path === '/webhooks/numbers' && h.json?.data?.payload?.id === order!.id);
    const ev: any = await verified(b, hook);
    expect(ev.data.event_type).toBe('number_order.complete');
    expect(ev.data.payload.status).toBe('success');
    expect((await b.client.numberOrders.retrieve(order!.id!)).data!.status).toBe('success');
    // now owned: gone from the inventory, listed, updatable, deletable
    const after = await b.client.availablePhoneNumbers.list({ filter: { national_destination_code: '512', limit: 100 } });
    expect(after.data!.map((n) => n.phone_number)).not.toContain(avail!.phone_number);
    const owned: any[] = [];
    for await (const n of b.client.phoneNumbers.list()) owned.push(n);
    const mine = owned.find((n) => n.phone_number === avail!.phone_number)!;
    expect(mine.connection_id).toBe(b.sandbox.callControlConnectionId);
    const upd = await b.client.phoneNumbers.update(mine.id, { connection_id: b.sandbox.texmlConnectionId, tags: ['ivr'] });
    expect(upd.data).toMatchObject({ connection_id: b.sandbox.texmlConnectionId, tags: ['ivr'] });
    const msg = await b.client.phoneNumbers.messaging.update(mine.id, { messaging_profile_id: 'mp-1' });
    expect(msg.data!.messaging_profile_id).toBe('mp-1');
    const voice = await b.client.phoneNumbers.voice.update(mine.id, { tech_prefix_enabled: false } as any);
    expect(voice.data!.id).toBe(mine.id);
    const bad = await telnyxError(b.client.phoneNumbers.update(mine.id, { connection_id: 'nope' }));
    expect(bad).toMatchObject({ status: 422, errors: [{ code: '10017', source: { pointer: '/connection_id' } }] });
    await b.client.phoneNumbers.delete(mine.id);
    expect((await telnyxError(b.client.phoneNumbers.retrieve(mine.id))).status).toBe(404);
  });

  it('refuses orders for bad or unavailable numbers', async () => {
    const e1 = await telnyxError(b.client.numberOrders.create({ phone_numbers: [{ phone_number: '3125550100' }] }));
    expect(e1).toMatchObject({ status: 422, errors: [{ code: '10016', source: { pointer: '/phone_numbers/0/phone_number' } }] });
    const e2 = await telnyxError(b.client.numberOrders.create({ phone_numbers: [{ phone_number: '+13125559999' }] })); // neither in the inventory nor in the fictional 555-01xx range
    expect(e2.status).toBe(422);
    const e3 = await telnyxError(b.client.numberOrders.create({} as any));
    expect(e3.errors[0]).toMatchObject({ code: '10004', source: { pointer: '/phone_numbers' } });
    expect((await telnyxError(b.client.numberOrders.retrieve('missing'))).status).toBe(404);
  });
});

describe('fictional numbers', () => {
  it('sells the 555-01xx range so demos can name fixed numbers', async () => {
    const { data } = await b.client.numberOrders.create({ phone_numbers: [{ phone_number: '+13125550123' }], connection_id: b.sandbox.texmlConnectionId });
    await b.waitFor((h) => h.path === '/webhooks/numbers' && h.json?.data?.payload?.id === data!.id);
    const [held] = (await b.client.phoneNumbers.list({ filter: { phone_number: '13125550123' } })).data;
    expect((await b.client.phoneNumbers.retrieve(held!.id!)).data!.phone_number).toBe('+13125550123');
  });
});

describe('not kind: ids, listing and release as a real account has them', () => {
  const listed = async (digits: string) => (await b.client.phoneNumbers.list({ filter: { phone_number: digits } })).data;

  it('gives the order, its phone-number entry and the phone number three different ids; lists the number only once the order completed', async () => {
    // An order slow enough to look at while it is pending, however busy the machine.
    const slow = await startBench({ orderDelayMs: 1500 });
    try {
      const { data: order } = await slow.client.numberOrders.create({ phone_numbers: [{ phone_number: '+13125550161' }], connection_id: slow.sandbox.texmlConnectionId });
      expect(order!.status).toBe('pending');
      expect((await slow.client.phoneNumbers.list({ filter: { phone_number: '13125550161' } })).data).toEqual([]); // not on the account until the order completes
      // A number on a pending order is not for sale a second time.
      expect((await telnyxError(slow.client.numberOrders.create({ phone_numbers: [{ phone_number: '+13125550161' }] }))).status).toBe(422);
    } finally { await slow.close(); }
    const { data: order } = await b.client.numberOrders.create({ phone_numbers: [{ phone_number: '+13125550161' }], connection_id: b.sandbox.texmlConnectionId });
    await b.waitFor((h) => h.path === '/webhooks/numbers' && h.json?.data?.payload?.id === order!.id);
    const [n] = await listed('13125550161');
    const entry = order!.phone_numbers![0]!.id!;
    expect(new Set([order!.id, entry, n!.id]).size).toBe(3);
    expect(n!.id).toMatch(/^\d{19}$/);
    // The order's entry id and the E.164 are not phone-number ids.
    expect((await telnyxError(b.client.phoneNumbers.retrieve(entry))).status).toBe(404);
    expect((await telnyxError(b.client.phoneNumbers.retrieve('+13125550161'))).status).toBe(404);
    expect((await telnyxError(b.client.phoneNumbers.delete(entry))).status).toBe(404);
    expect((await b.client.phoneNumbers.retrieve(n!.id!)).data!.phone_number).toBe('+13125550161');
  });

  it('matches filter[phone_number] on digits, as Telnyx documents: a "+" lists nothing', async () => {
    const { data: order } = await b.client.numberOrders.create({ phone_numbers: [{ phone_number: '+13125550162' }] });
    await b.waitFor((h) => h.path === '/webhooks/numbers' && h.json?.data?.payload?.id === order!.id);
    expect((await listed('13125550162')).map((n) => n.phone_number)).toEqual(['+13125550162']);
    expect(await listed('+13125550162')).toEqual([]);
  });

  it('refuses a release when told to (422 with an error code), keeps the number, and releases it once allowed', async () => {
    const { data: order } = await b.client.numberOrders.create({ phone_numbers: [{ phone_number: '+13125550163' }] });
    await b.waitFor((h) => h.path === '/webhooks/numbers' && h.json?.data?.payload?.id === order!.id);
    const [n] = await listed('13125550163');
    b.sandbox.refuseRelease('+13125550163', 'Number has an active port-out order.');
    const e = await telnyxError(b.client.phoneNumbers.delete(n!.id!));
    expect(e).toMatchObject({ status: 422, errors: [{ code: '10015', detail: 'Number has an active port-out order.' }] });
    expect((await b.client.phoneNumbers.retrieve(n!.id!)).data!.phone_number).toBe('+13125550163');
    b.sandbox.refuseRelease('+13125550163', null);
    await b.client.phoneNumbers.delete(n!.id!);
    expect(await listed('13125550163')).toEqual([]);
  });
});

describe('numbers outlive a restart with a state file', () => {
  it('a second sandbox on the same state file lists, updates and deletes a number the first one bought', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
    const stateFile = join(dir, 'sandbox-state.json');
    try {
      const first = await startBench({ stateFile });
      const { data: order } = await first.client.numberOrders.create({ phone_numbers: [{ phone_number: '+13125550142' }], connection_id: first.sandbox.callControlConnectionId });
      await first.waitFor((h) => h.path === '/webhooks/numbers' && h.json?.data?.payload?.id === order!.id);
      const id = (await first.client.phoneNumbers.list({ filter: { phone_number: '13125550142' } })).data[0]!.id!;
      await first.client.phoneNumbers.messaging.update(id, { messaging_profile_id: 'mp-7' });
      await first.close();
      expect(readdirSync(dir)).toEqual(['sandbox-state.json']); // written by rename: no temp file left behind

      const second = await startBench({ stateFile });
      const listed: any[] = [];
      for await (const n of second.client.phoneNumbers.list()) listed.push(n);
      expect(listed).toEqual([expect.objectContaining({ id, phone_number: '+13125550142', connection_id: second.sandbox.callControlConnectionId, messaging_profile_id: 'mp-7' })]);
      expect((await second.client.phoneNumbers.messaging.retrieve(id)).data!.messaging_profile_id).toBe('mp-7');
      // Owned, so no longer for sale.
      expect((await telnyxError(second.client.numberOrders.create({ phone_numbers: [{ phone_number: '+13125550142' }] }))).status).toBe(422);
      const upd = await second.client.phoneNumbers.update(id, { connection_id: second.sandbox.texmlConnectionId, tags: ['kept'] });
      expect(upd.data).toMatchObject({ id, connection_id: second.sandbox.texmlConnectionId, tags: ['kept'] });
      await second.close();

      const third = await startBench({ stateFile });
      expect((await third.client.phoneNumbers.retrieve(id)).data).toMatchObject({ connection_id: third.sandbox.texmlConnectionId, tags: ['kept'] });
      await third.client.phoneNumbers.delete(id);
      await third.close();

      const fourth = await startBench({ stateFile });
      expect((await telnyxError(fourth.client.phoneNumbers.retrieve(id))).status).toBe(404);
      await fourth.close();
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('sets an unreadable state file aside and starts with no numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
    const stateFile = join(dir, 'sandbox-state.json');
    try {
      writeFileSync(stateFile, '{"phone_numbers": [');
      const bench = await startBench({ stateFile });
      expect((await bench.client.phoneNumbers.list()).data).toEqual([]);
      await bench.close();
      expect(readdirSync(dir).some((f) => f.startsWith('sandbox-state.json.unreadable-'))).toBe(true);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
