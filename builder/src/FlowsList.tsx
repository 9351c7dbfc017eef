import { useEffect, useRef, useState } from 'react';
import { api, ApiError, type FlowRecord, type FlowSummary } from './api.js';
import { emptyFlow, slugify } from './graph.js';
import { downloadJson, Loading, useConfirm, useToast } from './ui.js';
import { needs, useMe } from './me.js';
import { StudioImport } from './StudioImport.js';

/** Flows list: create, duplicate, delete (confirmed), import and export JSON files, import a Twilio Studio flow. */
export function FlowsList() {
  const [flows, setFlows] = useState<FlowSummary[] | null>(null);
  const [error, setError] = useState('');
  const [name, setName] = useState('');
  const toast = useToast();
  const [dialog, ask] = useConfirm();
  // What this role may not do says why (the server refuses anyway): editors create, admins delete.
  const me = useMe(), noEdit = needs(me, 'editor'), noDelete = needs(me, 'admin');
  const file = useRef<HTMLInputElement>(null);

  const load = () => api<{ flows: FlowSummary[] }>('GET', '/api/flows').then((r) => { setFlows(r.flows); setError(''); }, (e) => setError(e.message));
  useEffect(() => { void load(); }, []);

  const uniqueId = (base: string) => {
    const taken = new Set((flows ?? []).map((f) => f.id));
    let id = slugify(base);
    for (let i = 2; taken.has(id); i++) id = `${slugify(base).slice(0, 56)}-${i}`;
    return id;
  };

  async function create(e: React.FormEvent) {
    e.preventDefault();
    if (!name.trim()) return;
    try {
      const r = await api<{ flow: { id: string } }>('POST', '/api/flows', emptyFlow(uniqueId(name), name.trim()));
      location.hash = `#/flows/${r.flow.id}`;
    } catch (err) { toast('error', `Could not create the flow: ${(err as Error).message}`); }
  }

  async function duplicate(f: FlowSummary) {
    try {
      const src = await api<FlowRecord>('GET', `/api/flows/${f.id}`);
      await api('POST', '/api/flows', { ...src.flow, id: uniqueId(`${f.id}-copy`), name: `${src.flow.name} (copy)` });
      toast('ok', `Duplicated “${f.name}”`);
      await load();
    } catch (err) { toast('error', `Could not duplicate: ${(err as Error).message}`); }
  }

  async function remove(f: FlowSummary) {
    if (!(await ask(`Delete “${f.name}” and all its versions? This cannot be undone.`, 'Delete flow'))) return;
    try { await api('DELETE', `/api/flows/${f.id}`); toast('ok', `Deleted “${f.name}”`); await load(); }
    catch (err) {
      // Numbers still answer with this flow: say which, and delete only if the admin takes them offline knowingly.
      const numbers = err instanceof ApiError && err.status === 409 ? (err.body?.error?.numbers as string[] | undefined) : undefined;
      if (!numbers?.length) { toast('error', `Could not delete: ${(err as Error).message}`); return; }
      if (!(await ask(`${numbers.join(', ')} still answer${numbers.length === 1 ? 's' : ''} with “${f.name}”. Deleting it leaves ${numbers.length === 1 ? 'that number' : 'those numbers'} without a flow: callers hear “not in service”. Delete anyway?`, 'Delete and disconnect'))) return;
      try { await api('DELETE', `/api/flows/${f.id}?force=true`); toast('ok', `Deleted “${f.name}”; ${numbers.join(', ')} no longer routed`); await load(); }
      catch (e2) { toast('error', `Could not delete: ${(e2 as Error).message}`); }
    }
  }

  async function exportFlow(f: FlowSummary) {
    try { const r = await api<FlowRecord>('GET', `/api/flows/${f.id}`); downloadJson(`${f.id}.json`, r.flow); }
    catch (err) { toast('error', `Could not export: ${(err as Error).message}`); }
  }

  async function importFile(list: FileList | null) {
    const fileObj = list?.[0];
    if (!fileObj) return;
    let doc: any;
    try { doc = JSON.parse(await fileObj.text()); } catch { toast('error', `${fileObj.name} is not JSON`); return; }
    try {
      await api('POST', '/api/flows', doc);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 409)) { toast('error', `Could not import ${fileObj.name}: ${err instanceof Error ? err.message : err}`); return; }
      if (!(await ask(`A flow with id “${doc.id}” exists. Import this file as a copy?`, 'Import as copy'))) return;
      try { await api('POST', '/api/flows', { ...doc, id: uniqueId(`${doc.id}-import`), name: `${doc.name} (imported)` }); }
      catch (e2) { toast('error', `Could not import: ${(e2 as Error).message}`); return; }
    } finally { if (file.current) file.current.value = ''; }
    toast('ok', `Imported ${fileObj.name}`);
    await load();
  }

  return (
    <>
      <div className="flows">
        <div className="row">
          <h1 className="grow">Flows</h1>
          <form onSubmit={create} className="row">
            <input aria-label="New flow name" placeholder="New flow name" value={name} onChange={(e) => setName(e.target.value)} />
            <button className="primary" disabled={!name.trim() || !!noEdit} title={noEdit || undefined}>Create flow</button>
          </form>
          <button onClick={() => file.current?.click()} disabled={!!noEdit} title={noEdit || undefined}>Import JSON…</button>
          <input ref={file} type="file" accept="application/json,.json" hidden data-testid="import-file" onChange={(e) => void importFile(e.target.files)} />
          <StudioImport uniqueId={uniqueId} />
        </div>
        {error ? (
          <div className="error" role="alert">Could not load flows: {error} <button onClick={() => void load()}>Retry</button></div>
        ) : flows === null ? <Loading what="flows" /> : flows.length === 0 ? (
          <div className="empty">No flows yet — create one above or import a JSON file.</div>
        ) : (
          <table className="table">
            <thead><tr><th>Name</th><th>Id</th><th>Revision</th><th>Published</th><th>Updated</th><th /></tr></thead>
            <tbody>
              {flows.map((f) => (
                <tr key={f.id} data-flow={f.id}>
                  <td><a href={`#/flows/${f.id}`}>{f.name}</a></td>
                  <td><code>{f.id}</code></td>
                  <td>{f.revision}</td>
                  <td>{f.publishedVersion ? `v${f.publishedVersion}` : <span className="muted">draft</span>}</td>
                  <td>{f.updatedAt ? new Date(f.updatedAt).toLocaleString() : ''}</td>
                  <td className="actions">
                    <button onClick={() => void duplicate(f)} disabled={!!noEdit} title={noEdit || undefined}>Duplicate</button>
                    <button onClick={() => void exportFlow(f)}>Export</button>
                    <button className="danger" onClick={() => void remove(f)} disabled={!!noDelete} title={noDelete || undefined}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {dialog}
    </>
  );
}
