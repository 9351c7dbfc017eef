import { useRef, useState } from 'react';
import { api } from './api.js';
import { flowIdFrom, importStudio, type StudioReport } from '../../engine/import/studio/index.js';
import type { FlowInput } from '../../engine/schema.js';
import { useToast } from './ui.js';
import './studio-import.css';

const RESULT: Record<StudioReport['states'][number]['status'], string> = {
  mapped: 'Mapped', changed: 'Mapped with changes', merged: 'Merged', unmapped: 'Not mapped', skipped: 'Skipped',
};

/**
 * "Import Twilio Studio…": reads a Studio export in the browser (the engine's pure importer), shows what mapped and
 * what did not, and only on "Create flow" saves it and opens it in the editor, where the import notes are lint
 * findings on their steps.
 */
export function StudioImport({ uniqueId }: { uniqueId: (base: string) => string }) {
  const input = useRef<HTMLInputElement>(null);
  const [pending, setPending] = useState<{ flow: FlowInput; report: StudioReport; file: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const toast = useToast();

  async function read(list: FileList | null) {
    const file = list?.[0];
    if (input.current) input.current.value = '';
    if (!file) return;
    let doc: unknown;
    try { doc = JSON.parse(await file.text()); } catch { toast('error', `${file.name} is not JSON`); return; }
    const probe = importStudio(doc);
    if (!probe.ok) { toast('error', `${file.name} is not a Twilio Studio flow: ${probe.issues.slice(0, 3).map((i) => `${i.path || 'top'}: ${i.message}`).join('; ')}`); return; }
    const r = importStudio(doc, { id: uniqueId(flowIdFrom(probe.flow.name)), source: file.name, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' });
    if (r.ok) setPending({ flow: r.flow, report: r.report, file: file.name });
  }

  async function create() {
    if (!pending) return;
    setBusy(true);
    try {
      const r = await api<{ flow: { id: string } }>('POST', '/api/flows', pending.flow);
      setPending(null);
      location.hash = `#/flows/${r.flow.id}`;
    } catch (e) { toast('error', `Could not create the flow: ${(e as Error).message}`); }
    finally { setBusy(false); }
  }

  return (
    <>
      <button onClick={() => input.current?.click()}>Import Twilio Studio…</button>
      <input ref={input} type="file" accept="application/json,.json" hidden data-testid="studio-file" aria-label="Twilio Studio flow file" onChange={(e) => void read(e.target.files)} />
      {pending && (
        <div className="modal-back" onKeyDown={(e) => e.key === 'Escape' && setPending(null)}>
          <div className="modal wide studio-report" role="dialog" aria-modal="true" aria-labelledby="studio-report-title" data-testid="studio-report">
            <h2 id="studio-report-title">Import “{pending.flow.name}” from Twilio Studio</h2>
            <p className="summary" data-testid="studio-summary">{pending.report.summary}</p>
            <p className="muted">From {pending.file}, as the flow <code>{pending.flow.id}</code>. Steps that did not map, and text that needs a look, show as problems on the canvas until you fix or dismiss them.</p>
            <div className="scroll">
              <table className="table">
                <thead><tr><th scope="col">Studio state</th><th scope="col">Widget</th><th scope="col">Result</th><th scope="col">Becomes</th></tr></thead>
                <tbody>
                  {pending.report.states.map((s) => (
                    <tr key={s.state} data-state={s.state} className={`st-${s.status}`}>
                      <td><code>{s.state}</code></td>
                      <td>{s.type}</td>
                      <td>
                        <span className={`result ${s.status}`}>{RESULT[s.status]}</span>
                        {s.remarks.length > 0 && <ul>{s.remarks.map((x, i) => <li key={i} className={x.severity}>{x.message}</li>)}</ul>}
                      </td>
                      <td>{s.nodes.map((n) => <code key={n}>{n}</code>)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="row end">
              <button onClick={() => setPending(null)}>Cancel</button>
              <button className="primary" autoFocus disabled={busy} onClick={() => void create()}>Create flow</button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}
