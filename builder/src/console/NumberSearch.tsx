import { useState } from 'react';
import { api } from '../api.js';
import { Loading } from '../ui.js';
import { needs, useMe } from '../me.js';
import { formatMicros } from './money.js';
import { SEARCH_FEATURES, searchQuery, type AvailableNumber, type SearchForm } from './numbers-model.js';

/** Search Telnyx's inventory by area code, locality and features; each result shows its price and a Buy button (or that it is already yours). */
export function NumberSearch({ owned, onBuy }: { owned: Set<string>; onBuy: (n: AvailableNumber) => void }) {
  const [form, setForm] = useState<SearchForm>({ areaCode: '', locality: '', features: [] });
  const [results, setResults] = useState<AvailableNumber[] | null>(null);
  const [busy, setBusy] = useState(false);
  const noAdmin = needs(useMe(), 'admin');
  const [error, setError] = useState('');

  async function search(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true); setError('');
    try { setResults((await api<{ numbers: AvailableNumber[] }>('GET', `/api/numbers/search?${searchQuery(form)}`)).numbers); }
    catch (err) { setError((err as Error).message); setResults(null); }
    finally { setBusy(false); }
  }
  const toggle = (f: string) => setForm((s) => ({ ...s, features: s.features.includes(f) ? s.features.filter((x) => x !== f) : [...s.features, f] }));

  return (
    <section aria-labelledby="search-h" className="num-search">
      <h2 id="search-h">Buy a number</h2>
      <form role="search" aria-label="Search numbers" onSubmit={search} className="row wrap">
        <label>Area code <input name="areaCode" inputMode="numeric" maxLength={3} size={4} placeholder="312" value={form.areaCode} onChange={(e) => setForm({ ...form, areaCode: e.target.value })} /></label>
        <label>City <input name="locality" placeholder="Chicago" value={form.locality} onChange={(e) => setForm({ ...form, locality: e.target.value })} /></label>
        <fieldset className="row features">
          <legend>Must have</legend>
          {SEARCH_FEATURES.map((f) => (
            <label key={f}><input type="checkbox" checked={form.features.includes(f)} onChange={() => toggle(f)} /> {f.toUpperCase()}</label>
          ))}
        </fieldset>
        <button className="primary" disabled={busy}>Search</button>
      </form>
      {error && <div className="error" role="alert">Search failed: {error}</div>}
      {busy ? <Loading what="available numbers" /> : results === null ? null : results.length === 0 ? (
        <div className="empty small">No numbers match. Try another area code or city, or fewer features.</div>
      ) : (
        <table className="table" aria-label="Available numbers">
          <thead><tr><th>Number</th><th>Region</th><th>Features</th><th>Monthly</th><th>Up front</th><th><span className="sr-only">Buy</span></th></tr></thead>
          <tbody>
            {results.map((n) => (
              <tr key={n.phoneNumber} data-available={n.phoneNumber}>
                <td>{n.phoneNumber}</td>
                <td>{n.region.join(', ') || <span className="muted">—</span>}</td>
                <td>{n.features.map((f) => <span key={f} className="badge">{f}</span>)}</td>
                <td>{formatMicros(n.monthlyMicros)}</td>
                <td>{formatMicros(n.upfrontMicros)}</td>
                <td><div className="actions">{owned.has(n.phoneNumber) ? <span className="badge ok">yours</span>
                  : <button onClick={() => onBuy(n)} disabled={!!noAdmin} title={noAdmin || undefined} aria-label={`Buy ${n.phoneNumber}`}>Buy…</button>}</div></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
