/**
 * The whole server over HTTP against the offline sandbox (server/stack.ts),
 * plus helpers the business tests share: raw API calls that keep the status,
 * polling for webhook-driven state, and signed inbound Telnyx events.
 */
import { randomUUID } from 'node:crypto';
import { startStack, type Stack, type StackOptions } from '../../server/stack.js';

export interface Res { status: number; body: any; text: string; type: string }

/** Calls the API with a key (default: the stack company's) and returns status and body, never throwing. */
export async function call(s: Stack, method: string, path: string, body?: unknown, key = s.apiKey): Promise<Res> {
  const res = await fetch(`${s.url}${path}`, {
    method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') ?? '';
  const buf = Buffer.from(await res.arrayBuffer());
  const text = type.includes('json') || type.includes('text') || type.includes('xml') ? buf.toString('utf8') : '';
  return { status: res.status, body: type.includes('json') ? JSON.parse(text) : buf, text, type };
}

/** Polls `fn` until it returns a truthy value (webhooks arrive asynchronously). */
export async function until<T>(fn: () => Promise<T>, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts the stack and points the company's numbers at the sandbox's two connections. */
export async function businessStack(o: StackOptions = {}): Promise<Stack> {
  const s = await startStack(o);
  await s.api('PUT', '/api/numbers/connections', { texmlConnectionId: s.sandbox!.texmlConnectionId, callControlConnectionId: s.sandbox!.callControlConnectionId });
  return s;
}

/** Buys a number in the sandbox and waits until its order webhook made it active. */
export async function buyNumber(s: Stack, areaCode = '312', extra: Record<string, unknown> = {}, key = s.apiKey): Promise<string> {
  const found = await call(s, 'GET', `/api/numbers/search?areaCode=${areaCode}&features=sms,voice&limit=5`, undefined, key);
  const held = new Set(((await call(s, 'GET', '/api/numbers', undefined, key)).body.numbers ?? []).map((n: { e164: string }) => n.e164));
  const pick = found.body.numbers.find((n: { phoneNumber: string }) => !held.has(n.phoneNumber)).phoneNumber as string;
  const bought = await call(s, 'POST', '/api/numbers', { phoneNumber: pick, ...extra }, key);
  if (bought.status !== 202) throw new Error(`purchase failed: ${bought.text}`);
  await until(async () => (await call(s, 'GET', '/api/numbers', undefined, key)).body.numbers.find((n: any) => n.e164 === pick && n.status === 'active'), 'number active');
  return pick;
}

/** Posts a Telnyx event envelope to one of our webhook paths, signed with a key the server trusts. */
export async function sendEvent(s: Stack, path: string, type: string, payload: Record<string, unknown>, id: string = randomUUID()): Promise<Res> {
  const body = JSON.stringify({ data: { record_type: 'event', event_type: type, id, occurred_at: new Date().toISOString(), payload }, meta: { attempt: 1 } });
  const res = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...s.sign(body) }, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text, type: 'application/json' };
}

/** An inbound SMS as Telnyx's message.received carries it. */
export function inboundSms(from: string, to: string, text: string, media: string[] = []): Record<string, unknown> {
  return {
    id: randomUUID(), record_type: 'message', direction: 'inbound', type: media.length ? 'MMS' : 'SMS', text,
    from: { phone_number: from, carrier: 'T-Mobile USA', line_type: 'Wireless' },
    to: [{ phone_number: to, status: 'webhook_delivered' }], media: media.map((url) => ({ url, content_type: 'image/jpeg' })),
  };
}

/**
 * A voicemail line: the caller is told nobody is here and leaves a transcribed message in `mailbox`.
 *
 *   hello(say) → vm(voicemail: mailbox, transcribe) ─next→ bye(hangup)
 *                                                  └noRecording→ bye
 */
export function voicemailFlow(id: string, mailbox = 'sales') {
  return {
    format: 'callflow/1', id, name: 'Voicemail line', timezone: 'America/Chicago', start: 'hello',
    nodes: [
      { id: 'hello', type: 'say', position: { x: 0, y: 0 }, data: { text: 'Nobody is here.' } },
      { id: 'vm', type: 'voicemail', position: { x: 0, y: 100 }, data: { greeting: { text: 'Leave a message.' }, maxSeconds: 60, transcribe: true, mailbox } },
      { id: 'bye', type: 'hangup', position: { x: 0, y: 200 }, data: {} },
    ],
    edges: [
      { id: 'e1', source: 'hello', sourceHandle: 'next', target: 'vm' },
      { id: 'e2', source: 'vm', sourceHandle: 'next', target: 'bye' },
      { id: 'e3', source: 'vm', sourceHandle: 'noRecording', target: 'bye' },
    ],
  };
}
