/** The monthly statement: ledger lines grouped by kind, as JSON or CSV. */
import type { UsageRow } from '../store/business-types.js';
import { dollars } from './rates.js';

/** The month's total for one kind. */
export interface StatementLine { kind: string; unit: string; quantity: number; count: number; micros: number }
/** A company's month: totals per kind, the total, the budget and every entry. */
export interface Statement {
  company: { id: string; name: string }; month: string; currency: 'USD';
  lines: StatementLine[]; totalMicros: number; budgetMicros: number | null; entries: UsageRow[];
}

/** Groups a month's ledger entries by kind (integer sums, no rounding). */
export function buildStatement(company: { id: string; name: string }, month: string, entries: UsageRow[], budgetMicros: number | null): Statement {
  const by = new Map<string, StatementLine>();
  for (const e of entries) {
    const l = by.get(e.kind) ?? { kind: e.kind, unit: e.unit, quantity: 0, count: 0, micros: 0 };
    l.quantity += e.quantity; l.count += 1; l.micros += e.micros;
    by.set(e.kind, l);
  }
  const lines = [...by.values()].sort((a, b) => a.kind.localeCompare(b.kind));
  return { company, month, currency: 'USD', lines, totalMicros: lines.reduce((t, l) => t + l.micros, 0), budgetMicros, entries };
}

/**
 * One CSV cell. Text that a spreadsheet would run as a formula (it starts with = + - @, or a tab or
 * carriage return that some strip first) gets a leading `'`, so Excel / Sheets / LibreOffice show it
 * as text: names, numbers and details come from callers and admins. A plain number stays a number.
 */
export function csvCell(v: string | number | null): string {
  let s = v === null ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^[-+]?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per ledger entry, then one total row; amounts in micro-dollars and in dollars. */
export function statementCsv(st: Statement): string {
  const rows: (string | number | null)[][] = [['date', 'kind', 'quantity', 'unit', 'ref', 'detail', 'micros', 'usd']];
  for (const e of st.entries) rows.push([e.at, e.kind, e.quantity, e.unit, e.ref, e.detail, e.micros, dollars(e.micros)]);
  rows.push(['', 'total', '', '', '', `${st.company.name} ${st.month}`, st.totalMicros, dollars(st.totalMicros)]);
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
