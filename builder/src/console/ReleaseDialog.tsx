import { useState } from 'react';
import { api } from '../api.js';
import { Dialog } from './Dialog.js';
import type { OwnedNumber } from './numbers-model.js';

/**
 * Releasing a number cannot be undone (Telnyx may sell it to someone else), so the user types the number to
 * confirm. A refusal (Telnyx keeps the number, it is still on order, no right to release) is shown here and the
 * number stays as it was (`onFailed`: the list is re-read, so its row shows the failed release too).
 */
export function ReleaseDialog({ number, onReleased, onFailed, onClose }: { number: OwnedNumber; onReleased: () => void; onFailed: () => void; onClose: () => void }) {
  const [typed, setTyped] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const matches = typed.replace(/[\s()-]/g, '') === number.e164;

  async function release(e: React.FormEvent) {
    e.preventDefault();
    if (!matches) return;
    setBusy(true); setError('');
    try { await api('DELETE', `/api/numbers/${encodeURIComponent(number.e164)}`); onReleased(); }
    catch (err) { setError((err as Error).message); setBusy(false); onFailed(); }
  }

  return (
    <Dialog title={`Release ${number.e164}?`} onClose={onClose}>
      <form onSubmit={release} className="stack">
        <p>Calls and texts to {number.e164} stop reaching you, its monthly fee stops, and the number may go to someone else. This cannot be undone.</p>
        <label>Type <strong>{number.e164}</strong> to confirm
          <input name="confirm" autoFocus autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
        {error && <div className="error" role="alert">Could not release {number.e164}: {error}</div>}
        <div className="row end">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="danger" disabled={!matches || busy}>{busy ? 'Releasing…' : 'Release number'}</button>
        </div>
      </form>
    </Dialog>
  );
}
