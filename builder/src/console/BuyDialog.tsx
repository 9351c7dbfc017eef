import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { Dialog } from './Dialog.js';
import { formatMicros } from './money.js';
import { budgetLeftAfter, type AvailableNumber, type OwnedNumber } from './numbers-model.js';

interface Budget { budgetMicros: number | null; spentMicros: number }

/**
 * Confirms a purchase, saying what it costs a month (and up front) and how much of the monthly budget is left
 * after it, from GET /api/usage/budget and GET /api/usage. The server has the last word (402 when the budget
 * would be passed, 403 without the right): its message is shown here, and nothing is bought.
 */
export function BuyDialog({ number, owned, onBought, onClose }: { number: AvailableNumber; owned: OwnedNumber[]; onBought: (n: OwnedNumber) => void; onClose: () => void }) {
  const [budget, setBudget] = useState<Budget | null>(null);
  const [budgetError, setBudgetError] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    Promise.all([api<{ budgetMicros: number | null }>('GET', '/api/usage/budget'), api<{ totalMicros: number }>('GET', '/api/usage')])
      .then(([b, u]) => setBudget({ budgetMicros: b.budgetMicros, spentMicros: u.totalMicros }), (e) => setBudgetError((e as Error).message));
  }, []);
  const fee = number.monthlyMicros ?? 0;
  const left = budget ? budgetLeftAfter(budget.budgetMicros, budget.spentMicros, owned, fee) : undefined;

  async function buy() {
    setBusy(true); setError('');
    try {
      const r = await api<{ number: OwnedNumber }>('POST', '/api/numbers', { phoneNumber: number.phoneNumber });
      onBought(r.number);
    } catch (e) { setError((e as Error).message); setBusy(false); }
  }

  return (
    <Dialog title={`Buy ${number.phoneNumber}?`} onClose={onClose}>
      <p data-testid="buy-cost">
        It costs <strong>{formatMicros(number.monthlyMicros)} a month</strong>
        {number.upfrontMicros ? <> and {formatMicros(number.upfrontMicros)} up front</> : null}.
      </p>
      <p data-testid="buy-budget">
        {budgetError ? <span className="muted">The budget could not be read ({budgetError}).</span>
          : left === undefined ? <span className="muted">Reading the budget…</span>
          : left === null ? <>No monthly budget is set.</>
          : <>Budget left this month after it: <strong>{formatMicros(left)}</strong> of {formatMicros(budget!.budgetMicros)}.</>}
      </p>
      {left !== undefined && left !== null && left < 0 && <p className="banner warn">This would pass the monthly budget, so the server will refuse it. Raise the budget on the Usage page first.</p>}
      {error && <div className="error" role="alert">Could not buy {number.phoneNumber}: {error}</div>}
      <div className="row end">
        <button onClick={onClose}>Cancel</button>
        <button className="primary" autoFocus disabled={busy} onClick={() => void buy()}>{busy ? 'Buying…' : `Buy for ${formatMicros(fee)}/month`}</button>
      </div>
    </Dialog>
  );
}
