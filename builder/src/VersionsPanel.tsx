import { useEffect, useState } from 'react';
import { api, type VersionRow } from './api.js';
import { toFlow, upgradeFlow, type Doc } from './graph.js';
import type { FlowInput } from '../../engine/schema.js';
import { DiffView } from './DiffView.js';
import { needs, useMe } from './me.js';
import { Loading, useConfirm, useToast } from './ui.js';

/** Version history: compare any two versions (or a version with the draft) and roll back. */
export function VersionsPanel({ flowId, tick, onRolledBack, current }: { flowId: string; tick: number; current: Doc; onRolledBack: (r: { version: number; flow: FlowInput; revision: number }) => void }) {
  const [rows, setRows] = useState<VersionRow[] | null>(null);
  const [error, setError] = useState('');
  const [a, setA] = useState<string>('');
  const [b, setB] = useState<string>('draft');
  const [diff, setDiff] = useState<{ older: FlowInput; newer: FlowInput; title: string } | null>(null);
  const [dialog, ask] = useConfirm();
  const toast = useToast();

  useEffect(() => {
    api<{ versions: VersionRow[] }>('GET', `/api/flows/${flowId}/versions`).then((r) => {
      const sorted = [...r.versions].sort((x, y) => y.version - x.version);
      setRows(sorted); setError('');
      if (sorted[0]) setA(String(sorted[0].version));
    }, (e) => setError(e.message));
  }, [flowId, tick]);

  const load = async (v: string): Promise<FlowInput> => (v === 'draft' ? toFlow(current) : upgradeFlow((await api<{ flow: FlowInput }>('GET', `/api/flows/${flowId}/versions/${v}`)).flow));
  async function compare() {
    try { setDiff({ older: await load(a), newer: await load(b), title: `${a === 'draft' ? 'draft' : `v${a}`} → ${b === 'draft' ? 'draft' : `v${b}`}` }); }
    catch (e) { toast('error', `Could not load the versions: ${(e as Error).message}`); }
  }
  const cannot = needs(useMe(), 'editor');
  async function rollback(v: number) {
    if (!(await ask(`Roll back to version ${v}? It becomes the live version and replaces your draft (unsaved changes are lost).`, 'Roll back'))) return;
    try { onRolledBack(await api('POST', `/api/flows/${flowId}/rollback`, { version: v })); }
    catch (e) { toast('error', `Rollback failed: ${(e as Error).message}`); }
  }

  if (error) return <div className="error" role="alert">Could not load versions: {error}</div>;
  if (!rows) return <Loading what="versions" />;
  const choices = [<option key="draft" value="draft">draft (unsaved edits included)</option>, ...rows.map((r) => <option key={r.version} value={r.version}>v{r.version}</option>)];
  return (
    <div data-testid="versions">
      {rows.length === 0 ? <div className="empty small">No versions yet. Publish to create version 1.</div> : (
        <>
          <div className="row wrap">
            <select aria-label="Older version" value={a} onChange={(e) => setA(e.target.value)}>{choices}</select>
            <span>→</span>
            <select aria-label="Newer version" value={b} onChange={(e) => setB(e.target.value)}>{choices}</select>
            <button onClick={() => void compare()} disabled={!a || !b}>Compare</button>
          </div>
          <table className="table compact">
            <tbody>
              {rows.map((r) => (
                <tr key={r.version} data-version={r.version}>
                  <td>v{r.version}</td>
                  <td>{new Date(r.createdAt).toLocaleString()}</td>
                  <td>{r.published ? <span className="badge ok">live</span> : ''}</td>
                  <td>{!r.published && <button onClick={() => void rollback(r.version)} disabled={!!cannot} title={cannot || undefined}>Roll back</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {diff && <DiffView {...diff} onClose={() => setDiff(null)} />}
      {dialog}
    </div>
  );
}
