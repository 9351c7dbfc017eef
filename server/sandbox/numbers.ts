/**
 * Telnyx numbers API: available_phone_numbers, number_orders (pending, then
 * complete with a signed `number_order.complete` to `/webhooks/numbers`) and
 * phone_numbers (list, retrieve, update, voice/messaging settings, delete).
 * Not kind, as a real account is not: the order, the order's phone-number
 * entry and the phone number each have their own id; a number is listed under
 * /phone_numbers only once its order completed; `{id}` is the number's id
 * (never its E.164); and a release can be refused (`refuseRelease`).
 */
import { Router } from 'express';
import { later, sendEvent, type Logger, type SandboxContext } from './context.js';
import { FEATURES, lookup, search, type NumberType } from './inventory.js';
import { loadNumbers, saveNumbers } from './state.js';
import { body, errors, isE164, numericId, queryParam, requireField, TelnyxError, uuid } from './util.js';

export interface OwnedNumber {
  id: string; record_type: 'phone_number'; phone_number: string; status: string; phone_number_type: NumberType;
  connection_id: string | null; messaging_profile_id: string | null; billing_group_id: string | null;
  customer_reference: string | null; tags: string[]; hd_voice_enabled: boolean;
  voice: Record<string, unknown>; created_at: string; updated_at: string;
}
export interface NumberOrder { id: string; record_type: 'number_order'; status: 'pending' | 'success' | 'failure'; phone_numbers: Record<string, unknown>[]; phone_numbers_count: number; connection_id: string | null; messaging_profile_id: string | null; customer_reference: string | null; requirements_met: boolean; sub_number_orders_ids: string[]; created_at: string; updated_at: string }

/**
 * Numbers the sandbox account owns, by id. With a state file they outlive a
 * restart (as a Telnyx account's numbers do): loaded here, written after every
 * change (`saved()`); without one they live in memory only.
 */
export class NumberStore {
  readonly byId = new Map<string, OwnedNumber>();
  readonly orders = new Map<string, NumberOrder>();
  /** E.164 → why Telnyx refuses to delete it (a test switch; not kept in the state file). */
  readonly refusals = new Map<string, string>();
  constructor(private readonly stateFile?: string, private readonly log?: Logger) {
    for (const n of stateFile ? loadNumbers(stateFile, log) : []) this.byId.set(n.id, n);
  }
  /** Call after every change to an owned number: rewrites the state file (if any). */
  saved(): void {
    if (!this.stateFile) return;
    try { saveNumbers(this.stateFile, [...this.byId.values()]); } catch (err) {
      // The change stands for this run; only its surviving a restart is lost.
      this.log?.warn({ err, file: this.stateFile }, 'sandbox: could not write the state file');
    }
  }
  byNumber(e164: string): OwnedNumber | undefined { for (const n of this.byId.values()) if (n.phone_number === e164) return n; return undefined; }
  /** The number with this Telnyx id; an E.164 is not an id (404, as Telnyx answers). */
  get(id: string): OwnedNumber {
    const n = this.byId.get(id);
    if (!n) throw errors.notFound(`Phone number '${id}' not found.`);
    return n;
  }
  /** A number on an order that has not completed yet (not listed, not for sale either). */
  onOrder(e164: string): boolean {
    for (const o of this.orders.values()) if (o.status === 'pending' && o.phone_numbers.some((p) => p.phone_number === e164)) return true;
    return false;
  }
}

const TYPES = ['local', 'toll_free'];

export function numbersRouter(ctx: SandboxContext, store: NumberStore): Router {
  const r = Router();
  const knownConnection = (v: unknown) => v === ctx.texmlConnectionId || v === ctx.callControlConnectionId;

  r.get('/available_phone_numbers', (req, res) => {
    const type = queryParam(req, 'filter', 'phone_number_type');
    if (type && !TYPES.includes(type)) throw errors.invalid('filter.phone_number_type', `phone_number_type must be one of ${TYPES.join(', ')}.`);
    const features = (queryParam(req, 'filter', 'features') ?? '').split(',').filter(Boolean);
    const bad = features.find((f) => !(FEATURES as readonly string[]).includes(f));
    if (bad) throw errors.invalid('filter.features', `Unknown feature '${bad}'.`);
    const limitRaw = queryParam(req, 'filter', 'limit');
    const limit = limitRaw === undefined ? 10 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw errors.invalid('filter.limit', 'limit must be an integer between 1 and 100.');
    const ndc = queryParam(req, 'filter', 'national_destination_code');
    if (ndc !== undefined && !/^[2-9]\d{2}$/.test(ndc)) throw errors.invalid('filter.national_destination_code', 'national_destination_code must be a 3-digit area code.');
    const found = search({
      countryCode: queryParam(req, 'filter', 'country_code'), ndc, locality: queryParam(req, 'filter', 'locality'),
      type: type as NumberType | undefined, features,
      startsWith: queryParam(req, 'filter', 'phone_number', 'starts_with'), endsWith: queryParam(req, 'filter', 'phone_number', 'ends_with'),
      contains: queryParam(req, 'filter', 'phone_number', 'contains'),
    }).filter((n) => !store.byNumber(n.phone_number));
    const data = found.slice(0, limit);
    res.json({ data, meta: { total_results: data.length, best_effort_results: 0 } });
  });

  r.post('/number_orders', (req, res) => {
    const b = body(req);
    const list = requireField(b, 'phone_numbers');
    if (!Array.isArray(list) || list.length === 0) throw errors.invalid('phone_numbers', 'phone_numbers must be a non-empty array.');
    if (b.connection_id !== undefined && b.connection_id !== null && !knownConnection(b.connection_id)) throw errors.unknownAssoc('connection_id');
    const numbers = list.map((item, i) => {
      const phone = (item as Record<string, unknown> | null)?.phone_number;
      if (phone === undefined) throw errors.missing(`phone_numbers.${i}.phone_number`);
      if (!isE164(phone)) throw errors.e164(`phone_numbers.${i}.phone_number`);
      if (store.byNumber(phone)) throw errors.invalid(`phone_numbers/${i}/phone_number`, `${phone} is not available for purchase: it is already on this account.`);
      if (store.onOrder(phone)) throw errors.invalid(`phone_numbers/${i}/phone_number`, `${phone} is not available for purchase: it is on a pending order.`);
      if (!lookup(phone)) throw errors.invalid(`phone_numbers/${i}/phone_number`, `${phone} is not available for purchase.`);
      return phone;
    });
    const at = ctx.now().toISOString();
    const order: NumberOrder = {
      id: uuid(), record_type: 'number_order', status: 'pending', phone_numbers_count: numbers.length,
      phone_numbers: numbers.map((p) => ({ id: uuid(), record_type: 'number_order_phone_number', phone_number: p, status: 'pending', phone_number_type: lookup(p)!.phone_number_type, requirements_met: true, regulatory_requirements: [] })),
      connection_id: (b.connection_id as string) ?? null, messaging_profile_id: (b.messaging_profile_id as string) ?? null,
      customer_reference: (b.customer_reference as string) ?? null, requirements_met: true, sub_number_orders_ids: [uuid()], created_at: at, updated_at: at,
    };
    store.orders.set(order.id, order);
    later(ctx, ctx.orderDelayMs, () => void complete(order));
    res.json({ data: order });
  });

  async function complete(order: NumberOrder): Promise<void> {
    const at = ctx.now().toISOString();
    for (const p of order.phone_numbers) {
      p.status = 'success';
      const phone = p.phone_number as string;
      // The number's own id: not the order's entry id (Telnyx gives each resource its own).
      const id = numericId();
      store.byId.set(id, {
        id, record_type: 'phone_number', phone_number: phone, status: 'active', phone_number_type: p.phone_number_type as NumberType,
        connection_id: order.connection_id, messaging_profile_id: order.messaging_profile_id, billing_group_id: null,
        customer_reference: order.customer_reference, tags: [], hd_voice_enabled: false, voice: {}, created_at: at, updated_at: at,
      });
    }
    store.saved();
    Object.assign(order, { status: 'success', updated_at: at });
    await sendEvent(ctx, `${ctx.publicUrl()}/webhooks/numbers`, 'number_order.complete', { ...order });
  }

  r.get('/number_orders/:id', (req, res) => {
    const o = store.orders.get(req.params.id);
    if (!o) throw errors.notFound(`Number order '${req.params.id}' not found.`);
    res.json({ data: o });
  });

  r.get('/phone_numbers', (req, res) => {
    const all = [...store.byId.values()].filter(matches(queryParam(req, 'filter', 'phone_number')));
    const size = Number(queryParam(req, 'page', 'size') ?? 20), page = Number(queryParam(req, 'page', 'number') ?? 1);
    if (!Number.isInteger(size) || size < 1 || size > 250) throw errors.invalid('page.size', 'page[size] must be between 1 and 250.');
    const data = all.slice((page - 1) * size, page * size).map(publicNumber);
    res.json({ data, meta: { total_results: all.length, total_pages: Math.max(1, Math.ceil(all.length / size)), page_number: page, page_size: size } });
  });
  r.get('/phone_numbers/:id', (req, res) => { res.json({ data: publicNumber(store.get(req.params.id)) }); });
  r.patch('/phone_numbers/:id', (req, res) => {
    const n = store.get(req.params.id), b = body(req);
    if ('connection_id' in b && b.connection_id !== null && b.connection_id !== '' && !knownConnection(b.connection_id)) throw errors.unknownAssoc('connection_id');
    if ('tags' in b && (!Array.isArray(b.tags) || b.tags.some((t) => typeof t !== 'string'))) throw errors.invalid('tags', 'tags must be an array of strings.');
    for (const k of ['connection_id', 'tags', 'customer_reference', 'billing_group_id', 'hd_voice_enabled'] as const) if (k in b) (n as unknown as Record<string, unknown>)[k] = b[k] === '' ? null : b[k];
    n.updated_at = ctx.now().toISOString();
    store.saved();
    res.json({ data: publicNumber(n) });
  });
  r.delete('/phone_numbers/:id', (req, res) => {
    const n = store.get(req.params.id);
    const refusal = store.refusals.get(n.phone_number);
    if (refusal !== undefined) throw new TelnyxError(422, { code: '10015', title: 'Bad Request', detail: refusal });
    store.byId.delete(n.id);
    store.saved();
    res.json({ data: { ...publicNumber(n), status: 'deleted' } });
  });
  const voice = (n: OwnedNumber) => ({ id: n.id, phone_number: n.phone_number, record_type: 'voice_settings', connection_id: n.connection_id, ...n.voice });
  const messaging = (n: OwnedNumber) => ({ id: n.id, phone_number: n.phone_number, record_type: 'messaging_settings', messaging_profile_id: n.messaging_profile_id, updated_at: n.updated_at });
  r.get('/phone_numbers/:id/voice', (req, res) => { res.json({ data: voice(store.get(req.params.id)) }); });
  r.patch('/phone_numbers/:id/voice', (req, res) => {
    const n = store.get(req.params.id);
    const { connection_id: _ignored, ...rest } = body(req);
    Object.assign(n.voice, rest);
    store.saved();
    res.json({ data: voice(n) });
  });
  r.get('/phone_numbers/:id/messaging', (req, res) => { res.json({ data: messaging(store.get(req.params.id)) }); });
  r.patch('/phone_numbers/:id/messaging', (req, res) => {
    const n = store.get(req.params.id), b = body(req);
    if ('messaging_profile_id' in b && b.messaging_profile_id !== null && typeof b.messaging_profile_id !== 'string') throw errors.invalid('messaging_profile_id', 'messaging_profile_id must be a string.');
    if ('messaging_profile_id' in b) n.messaging_profile_id = (b.messaging_profile_id as string) || null;
    n.updated_at = ctx.now().toISOString();
    store.saved();
    res.json({ data: messaging(n) });
  });
  return r;
}

/**
 * `filter[phone_number]` as Telnyx documents it: digits only ("non-numerical
 * characters will result in no values being returned"), matched anywhere.
 */
function matches(want: string | undefined): (n: OwnedNumber) => boolean {
  if (want === undefined || want === '') return () => true;
  if (!/^\d+$/.test(want)) return () => false;
  return (n) => n.phone_number.replace(/\D/g, '').includes(want);
}

function publicNumber(n: OwnedNumber) {
  const { voice: _v, ...rest } = n;
  return rest;
}
