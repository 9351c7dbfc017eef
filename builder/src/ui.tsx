import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';

type Toast = { id: number; kind: 'error' | 'ok' | 'info'; text: string };
const ToastCtx = createContext<(kind: Toast['kind'], text: string) => void>(() => {});

/** Toasts at the bottom right: errors stay until dismissed, the rest fade after 4 s. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const seq = useRef(0);
  const push = useCallback((kind: Toast['kind'], text: string) => {
    const id = ++seq.current;
    setToasts((t) => [...t.slice(-4), { id, kind, text }]);
    if (kind !== 'error') setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 4000);
  }, []);
  return (
    <ToastCtx.Provider value={push}>
      {children}
      <div className="toasts" role="status">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`}>
            <span>{t.text}</span>
            <button className="link" aria-label="Dismiss" onClick={() => setToasts((x) => x.filter((y) => y.id !== t.id))}>×</button>
          </div>
        ))}
      </div>
    </ToastCtx.Provider>
  );
}

/** `toast('error', 'Could not save')`. */
export const useToast = () => useContext(ToastCtx);

/** A confirmation modal: `const [dialog, ask] = useConfirm(); if (await ask('Delete?')) …`. */
export function useConfirm(): [ReactNode, (text: string, confirmLabel?: string) => Promise<boolean>] {
  const [state, setState] = useState<{ text: string; label: string; resolve: (ok: boolean) => void } | null>(null);
  const ask = useCallback((text: string, label = 'Confirm') => new Promise<boolean>((resolve) => setState({ text, label, resolve })), []);
  const close = (ok: boolean) => { state?.resolve(ok); setState(null); };
  const dialog = state ? (
    <div className="modal-back" onKeyDown={(e) => e.key === 'Escape' && close(false)}>
      <div className="modal" role="dialog" aria-modal="true" aria-label={state.label} aria-describedby="confirm-text">
        <p id="confirm-text">{state.text}</p>
        <div className="row end">
          <button onClick={() => close(false)}>Cancel</button>
          <button className="danger" autoFocus onClick={() => close(true)}>{state.label}</button>
        </div>
      </div>
    </div>
  ) : null;
  return [dialog, ask];
}

/** A spinner with a caption, for loading states. */
export function Loading({ what }: { what: string }) {
  return <div className="loading"><span className="spinner" /> Loading {what}…</div>;
}

/** Downloads `data` as a JSON file. */
export function downloadJson(name: string, data: unknown) {
  downloadBlob(name, new Blob([JSON.stringify(data, null, 2) + '\n'], { type: 'application/json' }));
}

/** Saves `blob` as a file called `name` (through a short-lived object URL: the CSP allows blob: for this). */
export function downloadBlob(name: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url; a.download = name; a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
