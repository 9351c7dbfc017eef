import { useMemo, useState } from 'react';
import { apiBlob } from '../api.js';
import { downloadBlob, useToast } from '../ui.js';
import { BudgetForm } from './BudgetForm.js';
import { FlowEstimate } from './FlowEstimate.js';
import { LedgerTable, type UsageEntry } from './LedgerTable.js';
import { formatMicros } from './money.js';
import { RatesForm } from './RatesForm.js';
import { ResourceView, useResource } from './resource.js';
import { SpendChart } from './SpendChart.js';
import { spendSeries } from './spend-series.js';
import './parts.css';
import './usage.css';

interface Usage { month: string; totalMicros: number; budgetMicros: number | null; remainingMicros: number | null; entries: UsageEntry[] }

/** `#/usage`: a month's spend against the budget (chart), its ledger and CSV statement, budget and rate settings, and per-path estimates. */
export function UsagePage() {
  const toast = useToast();
  const [month, setMonth] = useState('');
  const state = useResource<Usage>(`/api/usage${month ? `?month=${month}` : ''}`);
  const shownMonth = state.data?.month ?? month;
  const series = useMemo(() => state.data && spendSeries(state.data.month, state.data.entries, state.data.budgetMicros, new Date().toISOString()), [state.data]);

  async function download() {
    try {
      const { blob, name } = await apiBlob(`/api/usage/statement?format=csv&month=${shownMonth}`, `statement-${shownMonth}.csv`);
      downloadBlob(name, blob);
    } catch (e) { toast('error', `Could not download the statement: ${(e as Error).message}`); }
  }

  return (
    <div className="flows usage-page">
      <div className="row wrap">
        <h1 className="grow">Usage</h1>
        <label htmlFor="usage-month">Month</label> <input id="usage-month" type="month" value={shownMonth} onChange={(e) => e.target.value && setMonth(e.target.value)} />
        <button onClick={() => void download()} disabled={!shownMonth}>Download statement (CSV)</button>
      </div>
      <ResourceView state={state} what="usage">
        {(u) => (
          <>
            <p className="usage-total" data-testid="usage-total">
              Spent <strong>{formatMicros(u.totalMicros)}</strong> in {u.month}
              {u.budgetMicros === null ? ' (no monthly budget set)' : <> of {formatMicros(u.budgetMicros)}; <strong>{formatMicros(u.remainingMicros)}</strong> left</>}.
            </p>
            {series && <SpendChart series={series} month={u.month} />}
            <section aria-labelledby="ledger-h">
              <h2 id="ledger-h">Ledger</h2>
              <LedgerTable entries={u.entries} />
            </section>
          </>
        )}
      </ResourceView>
      <div className="usage-settings">
        <BudgetForm onSaved={() => void state.reload()} />
        <RatesForm onSaved={() => void state.reload()} />
      </div>
      <FlowEstimate />
    </div>
  );
}
