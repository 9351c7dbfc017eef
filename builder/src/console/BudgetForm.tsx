import { cloneElement, useEffect, useState } from 'react';
import { api } from '../api.js';
import { Loading, useToast } from '../ui.js';
import { needs, useMe } from '../me.js';
import { fieldErrors } from './field-errors.js';
import { microsToInput, parseDollars } from './money.js';
import { useResource } from './resource.js';

interface Budget { budgetMicros: number | null; billingIncrementSeconds: number }

/**
 * The monthly budget (dollars; empty = no cap) and the billing increment (seconds), saved with PUT
 * /api/usage/budget. What the server refuses is shown under the field its error names.
 */
export function BudgetForm({ onSaved }: { onSaved: () => void }) {
  const toast = useToast();
  const noAdmin = needs(useMe(), 'admin');
  const state = useResource<Budget>('/api/usage/budget');
  const [budget, setBudget] = useState('');
  const [increment, setIncrement] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!state.data) return;
    setBudget(microsToInput(state.data.budgetMicros)); setIncrement(String(state.data.billingIncrementSeconds));
  }, [state.data]);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    const micros = budget.trim() ? parseDollars(budget) : null;
    if (budget.trim() && micros === null) { setErrors({ budgetMicros: 'Enter an amount in dollars, e.g. 50 or 12.50 (leave it empty for no budget).' }); return; }
    setBusy(true); setErrors({});
    try {
      await api('PUT', '/api/usage/budget', { budgetMicros: micros, billingIncrementSeconds: Number(increment) });
      toast('ok', micros === null ? 'Budget removed' : 'Budget saved');
      await state.reload(); onSaved();
    } catch (err) { setErrors(fieldErrors(err)); }
    finally { setBusy(false); }
  }

  if (state.error && !state.data) return <div className="error" role="alert">Could not load the budget: {state.error} <button onClick={() => void state.reload()}>Retry</button></div>;
  if (!state.data) return <Loading what="the budget" />;
  return (
    <form className="settings-form" onSubmit={save} noValidate aria-labelledby="budget-h">
      <h2 id="budget-h">Budget</h2>
      <Field id="budget" label="Monthly budget (USD)" hint="Calls, texts and numbers are refused once the month would pass it. Empty: no cap." error={errors.budgetMicros}>
        <input id="budget" name="budget" inputMode="decimal" value={budget} onChange={(e) => setBudget(e.target.value)} />
      </Field>
      <Field id="increment" label="Billing increment (seconds)" hint="Call minutes are rounded up to this step (1–60)." error={errors.billingIncrementSeconds}>
        <input id="increment" name="increment" type="number" min={1} max={60} value={increment} onChange={(e) => setIncrement(e.target.value)} />
      </Field>
      {errors[''] && <div className="error" role="alert">Could not save: {errors['']}</div>}
      <button className="primary" disabled={busy || !!noAdmin} title={noAdmin || undefined}>Save budget</button>
    </form>
  );
}

/** A labelled input with a hint and its error, tied together for screen readers (aria-describedby, aria-invalid). */
export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string; children: React.ReactElement<Record<string, unknown>> }) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { 'aria-describedby': described, 'aria-invalid': error ? true : undefined })}
      {hint && <div id={`${id}-hint`} className="muted small">{hint}</div>}
      {error && <div id={`${id}-error`} className="field-error" role="alert">{error}</div>}
    </div>
  );
}
