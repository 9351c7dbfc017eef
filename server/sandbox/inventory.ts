/**
 * A deterministic inventory of available numbers: the same filters always
 * list the same numbers, so tests and docs can name them.
 */
import { createHash } from 'node:crypto';

export type NumberType = 'local' | 'toll_free';
export const FEATURES = ['sms', 'mms', 'voice', 'fax', 'emergency', 'hd_voice', 'international_sms', 'local_calling'] as const;
export interface AvailableNumber {
  phone_number: string; record_type: 'available_phone_number'; phone_number_type: NumberType;
  features: { name: string }[];
  cost_information: { monthly_cost: string; upfront_cost: string; currency: string };
  region_information: { region_type: string; region_name: string }[];
  best_effort: boolean; quickship: boolean; reservable: boolean; vanity_format: string | null;
}

/** A few US localities and their area codes; others hash to a code. */
const LOCALITIES: Record<string, [string, string]> = {
  chicago: ['312', 'IL'], 'new york': ['212', 'NY'], 'san francisco': ['415', 'CA'], 'los angeles': ['213', 'CA'],
  austin: ['512', 'TX'], seattle: ['206', 'WA'], boston: ['617', 'MA'], miami: ['305', 'FL'], denver: ['303', 'CO'],
};
const TOLL_FREE = ['800', '833', '844', '855', '866', '877', '888'];
const POOL = 40;

/** A small seeded generator (mulberry32) so the inventory never changes. */
function rng(seed: string): () => number {
  let a = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function areaFor(locality?: string): [string, string] {
  if (!locality) return ['312', 'IL'];
  const hit = LOCALITIES[locality.toLowerCase()];
  if (hit) return hit;
  const r = rng(`locality:${locality.toLowerCase()}`);
  return [String(200 + Math.floor(r() * 780)).replace(/^(\d)1/, '$12'), 'US'];
}

/** Every number the sandbox will sell for one area code and type. */
export function pool(ndc: string, type: NumberType, locality = '', region = ''): AvailableNumber[] {
  const r = rng(`${type}:${ndc}`);
  const out: AvailableNumber[] = [];
  const seen = new Set<string>();
  while (out.length < POOL) {
    const exchange = 200 + Math.floor(r() * 800);
    const line = String(Math.floor(r() * 10000)).padStart(4, '0');
    const phone = `+1${ndc}${exchange}${line}`;
    if (seen.has(phone)) continue;
    seen.add(phone);
    // Every fifth local number is voice-only, as real inventories mix them.
    const feats = type === 'toll_free' ? ['sms', 'voice'] : out.length % 5 === 4 ? ['voice'] : ['sms', 'mms', 'voice'];
    out.push({
      phone_number: phone, record_type: 'available_phone_number', phone_number_type: type,
      features: feats.map((name) => ({ name })),
      cost_information: { monthly_cost: type === 'toll_free' ? '2.00' : '1.00', upfront_cost: '1.00', currency: 'USD' },
      region_information: type === 'toll_free' ? [{ region_type: 'country_code', region_name: 'US' }]
        : [{ region_type: 'rate_center', region_name: (locality || 'CHICAGO').toUpperCase() }, { region_type: 'state', region_name: region || 'IL' }, { region_type: 'country_code', region_name: 'US' }],
      best_effort: false, quickship: true, reservable: true, vanity_format: null,
    });
  }
  return out;
}

export interface InventoryQuery { countryCode?: string; ndc?: string; locality?: string; type?: NumberType; features?: string[]; startsWith?: string; endsWith?: string; contains?: string }

/** The numbers matching a query, before removing owned ones and applying the limit. */
export function search(q: InventoryQuery): AvailableNumber[] {
  if (q.countryCode && q.countryCode.toUpperCase() !== 'US') return [];
  const type = q.type ?? 'local';
  let list: AvailableNumber[];
  if (type === 'toll_free') list = (q.ndc ? [q.ndc] : TOLL_FREE.slice(0, 2)).flatMap((c) => pool(c, 'toll_free'));
  else { const [code, region] = q.ndc ? [q.ndc, ''] : areaFor(q.locality); list = pool(code, 'local', q.locality ?? '', region); }
  return list.filter((n) =>
    (q.features ?? []).every((f) => n.features.some((x) => x.name === f)) &&
    (!q.startsWith || n.phone_number.replace('+', '').startsWith(q.startsWith.replace('+', ''))) &&
    (!q.endsWith || n.phone_number.endsWith(q.endsWith)) &&
    (!q.contains || n.phone_number.includes(q.contains)));
}

/** NANP's range for fiction (555-0100 … 555-0199): the sandbox sells any of these too, so demos and docs can name fixed numbers. */
const FICTIONAL = /^\+1(\d{3})55501\d\d$/;

/** The inventory entry for a number, if the sandbox ever offers it. */
export function lookup(phone: string): AvailableNumber | undefined {
  const m = /^\+1(\d{3})\d{7}$/.exec(phone);
  if (!m) return undefined;
  const type: NumberType = TOLL_FREE.includes(m[1]!) ? 'toll_free' : 'local';
  const pooled = pool(m[1]!, type);
  const found = pooled.find((n) => n.phone_number === phone);
  if (found || !FICTIONAL.test(phone) || !pooled[0]) return found;
  return { ...pooled[0], phone_number: phone };
}
