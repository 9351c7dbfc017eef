import { useState } from 'react';
import { api, type FlowSummary } from '../api.js';
import { useToast } from '../ui.js';
import { needs, useMe } from '../me.js';
import { formatMicros } from './money.js';
import type { OwnedNumber } from './numbers-model.js';

const MODES = [{ value: 'texml', label: 'TeXML' }, { value: 'call-control', label: 'Call Control' }] as const;

/**
 * One owned number: its status (pending until Telnyx completes the order), the flow and mode it answers with
 * (saved with Assign), voicemail on/off (saved at once), and Release (confirmed by the parent's dialog).
 */
export function NumberRow({ n, flows, onChanged, onRelease }: { n: OwnedNumber; flows: FlowSummary[]; onChanged: (n: OwnedNumber) => void; onRelease: () => void }) {
  const toast = useToast();
  const [flowId, setFlowId] = useState(n.flowId ?? '');
  const [mode, setMode] = useState(n.mode);
  const [busy, setBusy] = useState(false);
  const noAdmin = needs(useMe(), 'admin');
  const dirty = flowId !== (n.flowId ?? '') || mode !== n.mode;
  const picked = flows.find((f) => f.id === flowId);
  const assigned = flows.find((f) => f.id === n.flowId);

  async function patch(body: Record<string, unknown>, what: string) {
    setBusy(true);
    try {
      const r = await api<{ number: OwnedNumber }>('PATCH', `/api/numbers/${encodeURIComponent(n.e164)}`, body);
      onChanged(r.number); toast('ok', what);
    } catch (e) { toast('error', `Could not update ${n.e164}: ${(e as Error).message}`); }
    finally { setBusy(false); }
  }
  const assign = (e: React.FormEvent) => {
    e.preventDefault();
    void patch({ flowId: flowId || null, mode }, flowId ? `${n.e164} now answers with “${picked?.name ?? flowId}” (${mode === 'texml' ? 'TeXML' : 'Call Control'})` : `${n.e164} has no flow now`);
  };

  return (
    <tr data-number={n.e164}>
      <th scope="row">{n.e164}</th>
      <td>
        <span className={`badge ${n.status === 'active' ? 'ok' : 'warn'}`} data-testid="status">{n.status}</span>
        {n.releaseStatus === 'failed' && <div className="field-error" role="alert">Release failed: {n.releaseError}</div>}
      </td>
      <td>
        <form className="row assign" onSubmit={assign}>
          <select aria-label={`Flow for ${n.e164}`} disabled={!!noAdmin} title={noAdmin || undefined} value={flowId} onChange={(e) => setFlowId(e.target.value)}>
            <option value="">No flow</option>
            {flows.map((f) => <option key={f.id} value={f.id}>{f.name}{f.publishedVersion ? '' : ' (draft)'}</option>)}
          </select>
          <select aria-label={`Mode for ${n.e164}`} disabled={!!noAdmin} title={noAdmin || undefined} value={mode} onChange={(e) => setMode(e.target.value as OwnedNumber['mode'])}>
            {MODES.map((m) => <option key={m.value} value={m.value}>{m.label}</option>)}
          </select>
          <button disabled={!dirty || busy || !!noAdmin} title={noAdmin || undefined}>Assign</button>
        </form>
        {(dirty ? picked : assigned) && !(dirty ? picked : assigned)!.publishedVersion && (
          <div className="field-error" data-testid="draft-warning">
            “{(dirty ? picked : assigned)!.name}” has no published version: publish it, or callers hear “not in service”.
          </div>
        )}
        {!n.flowId && !dirty && <div className="muted small">Not answering: pick a flow.</div>}
      </td>
      <td>
        <label className="row"><input type="checkbox" checked={n.voicemail} disabled={busy || !!noAdmin} title={noAdmin || undefined}
          onChange={(e) => void patch({ voicemail: e.target.checked }, `Voicemail ${e.target.checked ? 'on' : 'off'} for ${n.e164}`)} /> Voicemail</label>
      </td>
      <td>{formatMicros(n.monthlyMicros)}</td>
      <td><div className="actions"><button className="danger" onClick={onRelease} disabled={!!noAdmin} title={noAdmin || undefined} aria-label={`Release ${n.e164}`}>Release…</button></div></td>
    </tr>
  );
}
