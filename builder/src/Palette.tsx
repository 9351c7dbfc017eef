import { NODE_KINDS, NODE_TYPES } from '../../engine/nodes/index.js';

/** MIME type the palette puts on a drag so the canvas knows a node kind is dropped. */
export const DND_TYPE = 'application/x-callflow-node';

/** Every node kind, from the engine's registry: drag onto the canvas, or click to add in view. */
export function Palette({ onAdd }: { onAdd: (type: string) => void }) {
  return (
    <aside className="palette" aria-label="Node palette">
      <h2>Add a step</h2>
      {NODE_TYPES.map((t) => {
        const k = NODE_KINDS[t];
        return (
          <div
            key={t}
            className={`palette-item cf-kind-${t}`}
            data-accent={k.accent}
            draggable
            role="button"
            tabIndex={0}
            data-testid={`palette-${t}`}
            title={`${k.description} Drag onto the canvas, or press Enter to add.`}
            onDragStart={(e) => { e.dataTransfer.setData(DND_TYPE, t); e.dataTransfer.effectAllowed = 'move'; }}
            onDoubleClick={() => onAdd(t)}
            onKeyDown={(e) => e.key === 'Enter' && onAdd(t)}
          >
            <strong>{k.label}</strong>
            <span>{k.description}</span>
          </div>
        );
      })}
      <div className="shortcuts">
        <h2>Shortcuts</h2>
        <dl>
          <dt>Ctrl+Z / Ctrl+Shift+Z</dt><dd>undo / redo</dd>
          <dt>Ctrl+C / Ctrl+V</dt><dd>copy / paste</dd>
          <dt>Delete</dt><dd>delete selection</dd>
          <dt>Shift+drag</dt><dd>select several</dd>
          <dt>Ctrl+S</dt><dd>save</dd>
          <dt>Shift+F / Shift+L</dt><dd>fit / auto layout</dd>
        </dl>
      </div>
    </aside>
  );
}
