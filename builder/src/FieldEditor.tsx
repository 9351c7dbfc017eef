import { memo } from 'react';
import { initial, labelOf, optionLabel, unionIndex, type Field } from './form.js';

/** Variables a template can use, for the `{{…}}` hint menus. */

/** Fields that name things rather than say things get no template hint. */
const NOT_TEMPLATED = /^(variable|name|port|mailbox|id|strategy|op|var|format|language|voice|date|open|close|timezone|pattern|finishOnKey)$/;

export interface FieldProps {
  name: string;
  field: Field;
  value: unknown;
  onChange: (v: unknown) => void;
  /** Dotted path from the node's data, for inline messages. */
  path: string;
  issues: Map<string, string>;
  vars: string[];
  readOnly?: boolean;
}

/** Inline message for this path, or for anything under it when the field is collapsed. */
export function Issue({ issues, path }: { issues: Map<string, string>; path: string }) {
  const m = issues.get(path);
  return m ? <div className="field-error" role="alert">{m}</div> : null;
}

/** A form control for any zod field: text, number, switch, choice, object, list, map, or union. */
export const FieldEditor = memo(function FieldEditor(p: FieldProps) {
  const { name, field: f, value, onChange, path, issues, vars, readOnly } = p;
  const label = labelOf(name) + (f.optional ? '' : ' *');
  const help = f.default !== undefined ? `default ${JSON.stringify(f.default)}` : f.description;
  switch (f.kind) {
    case 'string': {
      const long = /text|prompt|greeting|value|body/i.test(name);
      const v = typeof value === 'string' ? value : '';
      const set = (s: string) => onChange(s === '' && f.optional ? undefined : s);
      return (
        <label className="field">
          <span>{label}{help && <em> · {help}</em>}</span>
          {long
            ? <textarea name={path} rows={2} value={v} disabled={readOnly} onChange={(e) => set(e.target.value)} />
            : <input name={path} value={v} disabled={readOnly} onChange={(e) => set(e.target.value)} />}
          {!NOT_TEMPLATED.test(name) && !readOnly && (
            <select className="var-hint" aria-label={`Insert a variable into ${name}`} value="" onChange={(e) => e.target.value && set(`${v}{{${e.target.value}}}`)}>
              <option value="">{'{{ }} insert variable…'}</option>
              {vars.map((x) => <option key={x} value={x}>{x}</option>)}
            </select>
          )}
          <Issue issues={issues} path={path} />
        </label>
      );
    }
    case 'number':
      return (
        <label className="field">
          <span>{label}{help && <em> · {help}</em>}</span>
          <input name={path} type="number" min={f.min} max={f.max} step={f.int ? 1 : 'any'} disabled={readOnly}
            value={typeof value === 'number' ? value : ''} placeholder={f.default !== undefined ? String(f.default) : ''}
            onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))} />
          <Issue issues={issues} path={path} />
        </label>
      );
    case 'boolean':
      return (
        <label className="field check">
          <input name={path} type="checkbox" disabled={readOnly} checked={typeof value === 'boolean' ? value : f.default === true} onChange={(e) => onChange(e.target.checked)} />
          <span>{labelOf(name)}</span>
          <Issue issues={issues} path={path} />
        </label>
      );
    case 'enum':
      return (
        <label className="field">
          <span>{label}</span>
          <select name={path} disabled={readOnly} value={typeof value === 'string' ? value : String(f.default ?? '')} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
            {f.optional && f.default === undefined && <option value="">—</option>}
            {f.options.map((o) => <option key={o} value={o}>{o}</option>)}
          </select>
          <Issue issues={issues} path={path} />
        </label>
      );
    case 'literal':
      return null;
    case 'object': {
      const obj = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
      return (
        <fieldset className="field group">
          <legend>{label}</legend>
          {f.fields.map(([k, c]) => (
            <FieldEditor key={k} name={k} field={c} value={obj[k]} path={path ? `${path}.${k}` : k} issues={issues} vars={vars} readOnly={readOnly}
              onChange={(v) => { const next = { ...obj }; if (v === undefined) delete next[k]; else next[k] = v; onChange(next); }} />
          ))}
          <Issue issues={issues} path={path} />
        </fieldset>
      );
    }
    case 'union': {
      const i = unionIndex(f, value);
      return (
        <fieldset className="field group">
          <legend>{label}</legend>
          {f.options.length > 1 && (
            <div className="segmented" role="radiogroup">
              {f.options.map((o, j) => (
                <button type="button" key={j} className={j === i ? 'on' : ''} disabled={readOnly} onClick={() => j !== i && onChange(initial(o))}>{optionLabel(o)}</button>
              ))}
            </div>
          )}
          <FieldEditor name={name} field={{ ...f.options[i]!, optional: true }} value={value} onChange={onChange} path={path} issues={issues} vars={vars} readOnly={readOnly} />
        </fieldset>
      );
    }
    case 'array': {
      const list = Array.isArray(value) ? value : [];
      return (
        <fieldset className="field group">
          <legend>{label}</legend>
          {list.map((item, j) => (
            <div key={j} className="list-item">
              <FieldEditor name={`${labelOf(name).replace(/s$/, '')} ${j + 1}`} field={f.element} value={item} path={`${path}.${j}`} issues={issues} vars={vars} readOnly={readOnly}
                onChange={(v) => onChange(list.map((x, k) => (k === j ? v : x)))} />
              {!readOnly && <button type="button" className="link danger" onClick={() => onChange(list.filter((_, k) => k !== j))}>Remove</button>}
            </div>
          ))}
          {!readOnly && <button type="button" onClick={() => onChange([...list, initial(f.element)])}>+ Add</button>}
          <Issue issues={issues} path={path} />
        </fieldset>
      );
    }
    case 'record': {
      const entries = Object.entries((value && typeof value === 'object' ? value : {}) as Record<string, unknown>);
      const rebuild = (e: Array<[string, unknown]>) => onChange(Object.fromEntries(e));
      return (
        <fieldset className="field group">
          <legend>{label}</legend>
          {entries.map(([k, v], j) => (
            <div key={j} className="row kv">
              <input aria-label={`${name} key`} value={k} disabled={readOnly} onChange={(e) => rebuild(entries.map((x, m) => (m === j ? [e.target.value, x[1]] : x)))} />
              <FieldEditor name="value" field={f.value} value={v} path={`${path}.${k}`} issues={issues} vars={vars} readOnly={readOnly}
                onChange={(nv) => rebuild(entries.map((x, m) => (m === j ? [x[0], nv] : x)))} />
              {!readOnly && <button type="button" className="link danger" onClick={() => rebuild(entries.filter((_, m) => m !== j))}>×</button>}
            </div>
          ))}
          {!readOnly && <button type="button" onClick={() => rebuild([...entries, [`key${entries.length + 1}`, initial(f.value)]])}>+ Add</button>}
          <Issue issues={issues} path={path} />
        </fieldset>
      );
    }
    default:
      return (
        <label className="field">
          <span>{label} (JSON)</span>
          <textarea name={path} rows={3} disabled={readOnly} defaultValue={JSON.stringify(value ?? null, null, 1)}
            onBlur={(e) => { try { onChange(JSON.parse(e.target.value)); } catch { /* keep the last valid value */ } }} />
          <Issue issues={issues} path={path} />
        </label>
      );
  }
});
