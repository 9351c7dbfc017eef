/**
 * What the numbers page knows about numbers, and the little arithmetic it does with them.
 * Shapes follow GET /api/numbers, GET /api/numbers/search and GET /api/usage (server/api/numbers-market.ts, usage.ts).
 */

/** One owned number (GET /api/numbers). */
export interface OwnedNumber {
  e164: string; flowId: string | null; mode: 'texml' | 'call-control'; status: 'pending' | 'active' | 'released';
  voicemail: boolean; monthlyMicros: number | null; purchasedAt: string | null; updatedAt: string;
  releaseStatus: 'failed' | 'released' | null; releaseError: string | null;
  counters?: { callsIn: number; callsOut: number; messagesSent: number; messagesReceived: number };
}

/** One search result (GET /api/numbers/search). */
export interface AvailableNumber { phoneNumber: string; type: string; features: string[]; monthlyMicros: number | null; upfrontMicros: number | null; region: string[] }

/** Features a search can ask for (a subset of what the API accepts: what a small business picks from). */
export const SEARCH_FEATURES = ['voice', 'sms', 'mms'] as const;

/** The search form's fields. */
export interface SearchForm { areaCode: string; locality: string; features: string[] }

/** The query string for GET /api/numbers/search; empty fields are left out. */
export function searchQuery(f: SearchForm, limit = 10): string {
  const q = new URLSearchParams();
  if (f.areaCode.trim()) q.set('areaCode', f.areaCode.trim());
  if (f.locality.trim()) q.set('locality', f.locality.trim());
  if (f.features.length) q.set('features', f.features.join(','));
  q.set('limit', String(limit));
  return q.toString();
}

/**
 * The monthly budget left after buying a number costing `feeMicros` a month: the budget, less what the month's
 * ledger holds and the fees of numbers still on order (the server counts those too before it lets a purchase
 * through, server/billing/budget.ts). Null when no budget is set.
 */
export function budgetLeftAfter(budgetMicros: number | null, spentMicros: number, numbers: Pick<OwnedNumber, 'status' | 'monthlyMicros'>[], feeMicros: number): number | null {
  if (budgetMicros === null) return null;
  const onOrder = numbers.reduce((s, n) => s + (n.status === 'pending' ? n.monthlyMicros ?? 0 : 0), 0);
  return budgetMicros - spentMicros - onOrder - feeMicros;
}

/** Numbers the page shows: released ones are history, not something to manage. */
export const shown = (ns: OwnedNumber[]) => ns.filter((n) => n.status !== 'released');
