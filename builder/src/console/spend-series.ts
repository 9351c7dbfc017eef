/**
 * The usage chart's data: a month's ledger as cumulative spend per day, beside the budget.
 * Pure, so it is tested without a browser (chart.js only draws what this returns).
 */

/** One ledger entry as GET /api/usage lists it (only what the chart needs). */
export interface LedgerEntry { at: string; micros: number }

/** Days 1…N of the month, the cumulative spend at the end of each (µ$, null after `today`), and the budget per day (null without one). */
export interface SpendSeries { labels: string[]; spent: (number | null)[]; budget: (number | null)[]; totalMicros: number }

/** Days in a `YYYY-MM` month (UTC calendar, as the ledger's months are). */
export function daysIn(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y!, m!, 0)).getUTCDate();
}

/**
 * Cumulative spend per UTC day of `month` from its ledger entries. Days after `todayIso` (in the current month)
 * have no point, so the line stops today rather than running flat into the future; a past month runs to its end.
 * Entries outside the month are ignored.
 */
export function spendSeries(month: string, entries: LedgerEntry[], budgetMicros: number | null, todayIso: string): SpendSeries {
  const n = daysIn(month);
  const perDay = new Array<number>(n).fill(0);
  for (const e of entries) {
    if (e.at.slice(0, 7) !== month) continue;
    const d = Number(e.at.slice(8, 10));
    if (d >= 1 && d <= n) perDay[d - 1]! += e.micros;
  }
  const today = todayIso.slice(0, 7);
  const lastDay = today < month ? 0 : today === month ? Number(todayIso.slice(8, 10)) : n;
  let sum = 0;
  const spent = perDay.map((v, i) => { sum += v; return i < lastDay ? sum : null; });
  return {
    labels: perDay.map((_, i) => String(i + 1)),
    spent,
    budget: perDay.map(() => budgetMicros),
    totalMicros: perDay.reduce((a, b) => a + b, 0),
  };
}
