import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIError } from 'telnyx';
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
    expect((await b.client.phoneNumbers.retrieve('+13125550123')).data!.phone_number).toBe('+13125550123');
  });
});
