import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { Loading, useToast } from '../ui.js';
import { needs, useMe } from '../me.js';
import { fieldErrors } from './field-errors.js';
import { formatMicros, microsToInput, parseDollars } from './money.js';
import { useResource } from './resource.js';

interface Rates { rates: Record<string, number>; defaults: Record<string, number>; overrides: Record<string, number> }

/**
 * The rate table: each kind's default and the company's own price (empty = the default), saved with PUT
 * /api/usage/rates. Only changed rows are sent; a cleared row goes back to the default (null).
 */
export function RatesForm({ onSaved }: { onSaved: () => void }) {
  const toast = useToast();
  const noAdmin = needs(useMe(), 'admin');
  const state = useResource<Rates>('/api/usage/rates');
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (state.data) setValues(Object.fromEntries(Object.keys(state.data.defaults).map((k) => [k, microsToInput(state.data!.overrides[k])])));
  }, [state.data]);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    if (!state.data) return;
    const changed: Record<string, number | null> = {};
    const bad: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) {
      const micros = v.trim() ? parseDollars(v) : null;
      if (v.trim() && micros === null) { bad[`rates.${k}`] = 'Enter a price in dollars, e.g. 0.004'; continue; }
      if (micros !== (state.data.overrides[k] ?? null)) changed[k] = micros;
    }
    if (Object.keys(bad).length) { setErrors(bad); return; }
    if (!Object.keys(changed).length) { toast('info', 'No rate changed'); return; }
    setBusy(true); setErrors({});
    try { await api('PUT', '/api/usage/rates', { rates: changed }); toast('ok', 'Rates saved'); await state.reload(); onSaved(); }
    catch (err) { setErrors(fieldErrors(err)); }
    finally { setBusy(false); }
  }

  if (state.error && !state.data) return <div className="error" role="alert">Could not load the rates: {state.error} <button onClick={() => void state.reload()}>Retry</button></div>;
  if (!state.data) return <Loading what="rates" />;
  return (
    <form className="settings-form" onSubmit={save} noValidate aria-labelledby="rates-h">
      <h2 id="rates-h">Rates</h2>
      <table className="table compact">
        <thead><tr><th scope="col">What</th><th scope="col" className="num">Default</th><th scope="col">Your price (USD)</th></tr></thead>
        <tbody>
          {Object.entries(state.data.defaults).map(([k, d]) => (
            <tr key={k}>
              <th scope="row"><label htmlFor={`rate-${k}`}>{k.replace(/_/g, ' ')}</label></th>
              <td className="num">{formatMicros(d)}</td>
              <td>
                <input id={`rate-${k}`} name={k} inputMode="decimal" placeholder="default" value={values[k] ?? ''}
                  aria-invalid={errors[`rates.${k}`] ? true : undefined} aria-describedby={errors[`rates.${k}`] ? `rate-${k}-error` : undefined}
                  onChange={(e) => setValues({ ...values, [k]: e.target.value })} />
                {errors[`rates.${k}`] && <div id={`rate-${k}-error`} className="field-error" role="alert">{errors[`rates.${k}`]}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {errors[''] && <div className="error" role="alert">Could not save: {errors['']}</div>}
      {Object.keys(errors).some((k) => k && !k.startsWith('rates.')) && <div className="error" role="alert">Could not save: {Object.values(errors).join('; ')}</div>}
      <button className="primary" disabled={busy || !!noAdmin} title={noAdmin || undefined}>Save rates</button>
    </form>
  );
}
