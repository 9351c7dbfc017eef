import { useEffect, useId, useRef, type ReactNode } from 'react';
import './parts.css';

/**
 * A modal dialog with a heading (its accessible name): Escape or Cancel closes it, focus moves into it when it
 * opens (the first `autoFocus` field, else the dialog) and back to what had it when it closes.
 */
export function Dialog({ title, onClose, children, className = '' }: { title: string; onClose: () => void; children: ReactNode; className?: string }) {
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  // Read while rendering, before a child's autoFocus moves the focus in (that happens before effects run).
  const before = useRef(document.activeElement as HTMLElement | null);
  useEffect(() => {
    if (!box.current?.contains(document.activeElement)) box.current?.focus();
    const back = before.current;
    return () => back?.focus?.();
  }, []);
  return (
    <div className="modal-back" onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); onClose(); } }}>
      <div ref={box} tabIndex={-1} className={`modal ${className}`} role="dialog" aria-modal="true" aria-labelledby={id}>
        <h2 id={id} className="dialog-title">{title}</h2>
        {children}
      </div>
    </div>
  );
}
