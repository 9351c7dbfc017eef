import { Issue } from './FieldEditor.js';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#'];

/** The menu's key editor: one row per key (0–9, * and #) with what it is for; each key becomes a port. */
export function MenuKeys({ value, onChange, issues, readOnly }: { value: Record<string, string> | undefined; onChange: (v: Record<string, string>) => void; issues: Map<string, string>; readOnly: boolean }) {
  const entries = Object.entries(value ?? {});
  const used = new Set(entries.map(([k]) => k));
  const free = KEYS.filter((k) => !used.has(k));
  const rebuild = (e: Array<[string, string]>) => onChange(Object.fromEntries(e));
  return (
    <fieldset className="field group" data-testid="menu-keys">
      <legend>Keys</legend>
      {entries.length === 0 && <div className="muted">No keys yet: add one per choice.</div>}
      {entries.map(([k, label], j) => (
        <div key={k} className="row kv">
          <select aria-label={`Key ${k}`} value={k} disabled={readOnly} onChange={(e) => rebuild(entries.map((x, m) => (m === j ? [e.target.value, x[1]] : x)))}>
            {[k, ...free].map((x) => <option key={x}>{x}</option>)}
          </select>
          <input aria-label={`Label for key ${k}`} name={`options.${k}`} value={label} placeholder="e.g. Sales" disabled={readOnly}
            onChange={(e) => rebuild(entries.map((x, m) => (m === j ? [x[0], e.target.value] : x)))} />
          {!readOnly && <button type="button" className="link danger" aria-label={`Remove key ${k}`} onClick={() => rebuild(entries.filter((_, m) => m !== j))}>×</button>}
          <Issue issues={issues} path={`options.${k}`} />
        </div>
      ))}
      {!readOnly && free.length > 0 && <button type="button" onClick={() => rebuild([...entries, [free[0]!, '']])}>+ Add key</button>}
      <Issue issues={issues} path="options" />
    </fieldset>
  );
}
