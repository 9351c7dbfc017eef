import { useEffect, useState } from 'react';
import type { FlowSummary } from '../api.js';
import { useToast } from '../ui.js';
import { BuyDialog } from './BuyDialog.js';
import { NumberRow } from './NumberRow.js';
import { NumberSearch } from './NumberSearch.js';
import { shown, type AvailableNumber, type OwnedNumber } from './numbers-model.js';
import { ReleaseDialog } from './ReleaseDialog.js';
import { ResourceView, useEvery, useResource } from './resource.js';
import './parts.css';
import './numbers.css';

/** How often the list is re-read while a number is on order (Telnyx completes orders in seconds). */
const POLL_MS = 1000;

/** `#/numbers`: the company's numbers (status, flow and mode, voicemail, release) and the search to buy more. */
export function NumbersPage() {
  const toast = useToast();
  const state = useResource<{ numbers: OwnedNumber[] }>('/api/numbers');
  const flows = useResource<{ flows: FlowSummary[] }>('/api/flows');
  // The list as last read, plus what this page learnt since (a purchase's answer is shown before the next read).
  const [numbers, setNumbers] = useState<OwnedNumber[] | null>(null);
  const [buying, setBuying] = useState<AvailableNumber | null>(null);
  const [releasing, setReleasing] = useState<OwnedNumber | null>(null);
  useEffect(() => { if (state.data) setNumbers(state.data.numbers); }, [state.data]);

  const pending = numbers?.some((n) => n.status === 'pending') ?? false;
  const { reload } = state;
  useEvery(reload, POLL_MS, pending);

  const put = (n: OwnedNumber) => setNumbers((list) => [...(list ?? []).filter((x) => x.e164 !== n.e164), n]);
  const view = { ...state, data: numbers === null ? null : { numbers: shown(numbers) } };

  return (
    <div className="flows numbers-page">
      <h1>Numbers</h1>
      <section aria-labelledby="owned-h">
        <h2 id="owned-h">Your numbers {pending && <span className="muted small" role="status">(waiting for Telnyx to complete an order…)</span>}</h2>
        <ResourceView state={view} what="numbers" isEmpty={(d) => d.numbers.length === 0}
          empty="No numbers yet. Search below by area code or city and buy one; then pick the flow that answers it.">
          {(d) => (
            <table className="table" aria-labelledby="owned-h">
              <thead><tr><th scope="col">Number</th><th scope="col">Status</th><th scope="col">Flow and mode</th><th scope="col">Voicemail</th><th scope="col">Monthly</th><th scope="col"><span className="sr-only">Release</span></th></tr></thead>
              <tbody>
                {d.numbers.map((n) => (
                  <NumberRow key={n.e164} n={n} flows={flows.data?.flows ?? []} onChanged={put} onRelease={() => setReleasing(n)} />
                ))}
              </tbody>
            </table>
          )}
        </ResourceView>
        {flows.error && <div className="error" role="alert">Could not load the flows to assign: {flows.error} <button onClick={() => void flows.reload()}>Retry</button></div>}
      </section>
      <NumberSearch owned={new Set(shown(numbers ?? []).map((n) => n.e164))} onBuy={setBuying} />
      {buying && (
        <BuyDialog number={buying} owned={numbers ?? []} onClose={() => setBuying(null)}
          onBought={(n) => { setBuying(null); put(n); toast('ok', `Ordered ${n.e164}: it turns active when Telnyx completes the order`); }} />
      )}
      {releasing && (
        <ReleaseDialog number={releasing} onClose={() => setReleasing(null)} onFailed={() => void reload()}
          onReleased={() => { toast('ok', `Released ${releasing.e164}`); setReleasing(null); void reload(); }} />
      )}
    </div>
  );
}
