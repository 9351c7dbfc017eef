import { useEffect, useState } from 'react';
import { formatMicros } from './money.js';

/** One ledger entry (GET /api/usage `entries`). */
export interface UsageEntry { id: number; ref: string; kind: string; quantity: number; unit: string; micros: number; at: string; detail: string | null }

const PAGE = 20;

/** The month's ledger, newest first, in pages of 20 (Previous / Next, the page's position said in words). */
export function LedgerTable({ entries }: { entries: UsageEntry[] }) {
  const [page, setPage] = useState(0);
  const sorted = [...entries].sort((a, b) => b.at.localeCompare(a.at) || b.id - a.id);
  const pages = Math.max(1, Math.ceil(sorted.length / PAGE));
  useEffect(() => { if (page >= pages) setPage(pages - 1); }, [page, pages]);
  if (!entries.length) return <div className="empty small">Nothing charged this month yet. Calls, texts and numbers appear here as they are billed.</div>;
  const rows = sorted.slice(page * PAGE, page * PAGE + PAGE);
  return (
    <>
      <table className="table compact" aria-label="Ledger">
        <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Quantity</th><th scope="col">Detail</th><th scope="col" className="num">Amount</th></tr></thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.id} data-ledger={e.ref}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{e.kind.replace(/_/g, ' ')}</td>
              <td>{e.quantity} {e.unit}{e.quantity === 1 ? '' : 's'}</td>
              <td>{e.detail ?? <span className="muted">{e.ref}</span>}</td>
              <td className="num">{formatMicros(e.micros)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 && (
        <nav className="row pager" aria-label="Ledger pages">
          <button disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</button>
          <span>Page {page + 1} of {pages} ({sorted.length} entries)</span>
          <button disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>Next</button>
        </nav>
      )}
    </>
  );
}
