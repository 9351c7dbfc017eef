import { useEffect, useState } from 'react';
import { parseRoute } from './console/route.js';
import type { Doc } from './graph.js';
import type { EditorAction } from './editor-state.js';
import type { NodeFinding } from './use-lint.js';
import { Inspector } from './Inspector.js';
import { SimulatorPanel } from './SimulatorPanel.js';
import { TestCallPanel } from './TestCallPanel.js';
import { VersionsPanel } from './VersionsPanel.js';
import { DismissNote } from './Inspector.js';

/** What the simulator shows on the canvas: the node the call waits in and the path so far. */
export interface Highlight { active?: string; path: string[]; edges?: string[] }

interface Props {
  doc: Doc; dispatch: (a: EditorAction) => void; findings: NodeFinding[]; onFocus: (id: string) => void; readOnly: boolean;
  revision: number; published: number | null; onHighlight: (h: Highlight) => void; versionsTick: number;
  onRolledBack: (r: { version: number; flow: any; revision: number }) => void;
}

type Tab = 'inspect' | 'problems' | 'simulate' | 'test' | 'versions';

/** The right-hand panel: inspector, problems, simulator, test call, versions. */
export function SidePanel(p: Props) {
  // Linked from a call's timeline: `?replay=<callId>` opens the simulator, `?node=<id>` selects that node.
  const [tab, setTab] = useState<Tab>(() => (parseRoute(location.hash).query.get('replay') ? 'simulate' : 'inspect'));
  useEffect(() => {
    const node = parseRoute(location.hash).query.get('node');
    if (node) requestAnimationFrame(() => p.onFocus(node));
  }, []);
  const errors = p.findings.filter((f) => f.severity === 'error').length;
  const warnings = p.findings.length - errors;
  const tabs: Array<[Tab, string]> = [
    ['inspect', 'Inspect'],
    ['problems', `Problems${p.findings.length ? ` ${p.findings.length}` : ''}`],
    ['simulate', 'Simulate'],
    ...(p.readOnly ? [] : ([['test', 'Test'], ['versions', 'Versions']] as Array<[Tab, string]>)),
  ];
  return (
    <aside className="side">
      <nav className="tabs" role="tablist">
        {tabs.map(([t, label]) => (
          <button key={t} role="tab" aria-selected={tab === t} className={`${tab === t ? 'on' : ''} ${t === 'problems' && errors ? 'has-errors' : ''}`} data-testid={`tab-${t}`} onClick={() => setTab(t)}>{label}</button>
        ))}
      </nav>
      <div className="side-body">
        {tab === 'inspect' && <Inspector doc={p.doc} dispatch={p.dispatch} findings={p.findings} readOnly={p.readOnly} />}
        {tab === 'problems' && (
          <div data-testid="problems">
            <p className="muted">{errors} error(s), {warnings} warning(s). {errors ? 'Errors block publishing.' : ''}</p>
            {p.findings.length === 0 ? <div className="empty small">No problems found.</div> : (
              <ul className="findings">
                {p.findings.map((f, i) => (
                  <li key={i} className={f.severity}>
                    <button className="link" disabled={!f.nodeId} onClick={() => f.nodeId && p.onFocus(f.nodeId)}>
                      <strong>{f.severity === 'error' ? '⛔' : '⚠'} {f.nodeId ?? 'flow'}</strong> {f.message}
                    </button>
                    {f.note !== undefined && !p.readOnly && <DismissNote index={f.note} dispatch={p.dispatch} />}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        {/* The simulator stays mounted so a call survives a look at another tab. */}
        <div hidden={tab !== 'simulate'}><SimulatorPanel doc={p.doc} onHighlight={p.onHighlight} onFocus={p.onFocus} /></div>
        {tab === 'test' && <TestCallPanel flowId={p.doc.header.id} published={p.published} />}
        {tab === 'versions' && <VersionsPanel flowId={p.doc.header.id} tick={p.versionsTick} onRolledBack={p.onRolledBack} current={p.doc} />}
      </div>
    </aside>
  );
}
