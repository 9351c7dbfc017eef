import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIError } from 'telnyx';
import { startBench, verified, type Bench } from '../../test/sandbox/harness.js';
import { segments } from './messages.js';

let b: Bench;
beforeAll(async () => { b = await startBench(); });
afterAll(async () => { await b.close(); });

describe('messages through the official SDK', () => {
  it('sends an SMS: 200 with the queued message, then signed message.sent and message.finalized', async () => {
    const { data } = await b.client.messages.send({ from: '+13125550100', to: '+13125550147', text: 'Your code is 1234' });
    expect(data).toMatchObject({ record_type: 'message', direction: 'outbound', parts: 1, encoding: 'GSM-7', to: [{ phone_number: '+13125550147', status: 'queued' }] });
    const sent: any = await verified(b, await b.waitFor((h) => h.json?.data?.event_type === 'message.sent' && h.json.data.payload.id === data!.id));
    const fin: any = await verified(b, await b.waitFor((h) => h.json?.data?.event_type === 'message.finalized' && h.json.data.payload.id === data!.id));
    expect(sent.data.payload.to[0].status).toBe('sent');
    expect(fin.data.payload.to[0].status).toBe('delivered');
    expect(fin.meta).toMatchObject({ attempt: 1, delivered_to: `${b.url}/webhooks/messaging` });
    const list = await (await fetch(`${b.url}/sandbox/messages`)).json() as any;
    expect(list.data.map((m: any) => m.id)).toContain(data!.id);
  });

  it('uses the message webhook_url when given', async () => {
    const { data } = await b.client.messages.send({ from: '+13125550100', to: '+13125550147', text: 'hi', webhook_url: `${b.url}/hooks/custom` });
    await b.waitFor((h) => h.path === '/hooks/custom' && h.json.data.payload.id === data!.id);
  });

  it('refuses a non-E.164 to with 422 and Telnyx error body', async () => {
    try { await b.client.messages.send({ from: '+13125550100', to: '312-555-0147', text: 'x' }); throw new Error('no error'); }
    catch (e) {
      expect(e).toBeInstanceOf(APIError);
      expect((e as APIError).status).toBe(422);
      expect(((e as APIError).error as any).errors[0]).toMatchObject({ code: '10016', source: { pointer: '/to' } });
    }
    const res = await fetch(`${b.url}/sandbox/v2/messages`, { method: 'POST', headers: { authorization: 'Bearer x', 'content-type': 'application/json' }, body: JSON.stringify({ from: '+13125550100', to: '+13125550147' }) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).errors[0]).toMatchObject({ code: '10004', source: { pointer: '/text' } });
  });

  it('counts parts the way carriers do', () => {
    expect(segments('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', parts: 1 });
    expect(segments('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', parts: 2 });
    expect(segments('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', parts: 1, chars: 160 });
    expect(segments('é'.repeat(10) + '😀')).toMatchObject({ encoding: 'UCS-2', parts: 1 });
    expect(segments('ü'.repeat(100) + 'ł')).toMatchObject({ encoding: 'UCS-2', parts: 2 });
  });

  it('retries an undelivered webhook with a fresh signature', async () => {
    let n = 0;
    b.on('/hooks/flaky', (_h, _req, res) => { n++; res.status(n < 2 ? 503 : 200).send('x'); });
    const { data } = await b.client.messages.send({ from: '+13125550100', to: '+13125550147', text: 'retry me', webhook_url: `${b.url}/hooks/flaky` });
    const second = await b.waitFor((h) => h.path === '/hooks/flaky' && h.json.meta.attempt === 2 && h.json.data.payload.id === data!.id);
    await verified(b, second);
    const first = b.hooks.find((h) => h.path === '/hooks/flaky' && h.json.meta.attempt === 1)!;
    expect(first.json.data.id).toBe(second.json.data.id); // same event id, so receivers can de-duplicate
  });
});

describe('inbound texts', () => {
  it('POST /sandbox/messages sends a signed message.received to the app', async () => {
    const res = await fetch(`${b.url}/sandbox/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: '+13125550147', to: '+13125550100', text: 'STOP' }) });
    const out = await res.json() as any;
    expect(out).toMatchObject({ delivered: true, status: 200, attempts: 1 });
    const ev: any = await verified(b, await b.waitFor((h) => h.json?.data?.event_type === 'message.received'));
    expect(ev.data.payload).toMatchObject({ id: out.id, direction: 'inbound', text: 'STOP', from: { phone_number: '+13125550147' }, to: [{ phone_number: '+13125550100' }] });
    const bad = await fetch(`${b.url}/sandbox/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'me', to: '+13125550100', text: 'x' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error).toEqual({ code: 'bad_request', message: 'from must be a phone number in E.164 format', path: ['from'] });
  });

  it('with mediaUrls it is an MMS, media[] as Telnyx sends it; bad media URLs are a 400 at mediaUrls', async () => {
    const post = (body: unknown) => fetch(`${b.url}/sandbox/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const res = await post({ from: '+13125550147', to: '+13125550100', text: 'the leak', mediaUrls: ['https://cdn.example.com/leak.png'] });
    const out = await res.json() as any;
    const ev: any = await verified(b, await b.waitFor((h) => h.json?.data?.payload?.id === out.id));
    expect(ev.data.payload).toMatchObject({ type: 'MMS', text: 'the leak', media: [{ url: 'https://cdn.example.com/leak.png', content_type: 'image/png' }] });
    for (const mediaUrls of [['ftp://x.example/a.png'], 'https://a.example/x.png', Array.from({ length: 11 }, (_, i) => `https://a.example/${i}.png`)]) {
      const bad = await post({ from: '+13125550147', to: '+13125550100', text: 'x', mediaUrls });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as any).error.path).toEqual(['mediaUrls']);
    }
  });
});
