import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api.js';
import { useToast } from '../ui.js';
import { needs, useMe } from '../me.js';
import { href, type Route } from './route.js';
import { ResourceView, useEvery, useResource } from './resource.js';
import { MailboxSettings, type Mailbox } from './MailboxSettings.js';
import { VoicemailDetail, whoOf } from './VoicemailDetail.js';
import type { PlayerHandle } from './VoicemailPlayer.js';
import { clock, inboxKey, inboxOrder, isField, neighbour, SEEK_SECONDS, type Voicemail } from './voicemail-logic.js';
import './voicemail.css';

/** A deleted voicemail that can still be restored (until the server purges it at purgeAt). */
interface Trashed { vm: Voicemail; purgeAt: number }
const POLL_MS = 10_000;

/**
 * `#/voicemail[/<id>][?mailbox=…]`: the inbox, unread first then newest, per mailbox; the selected voicemail with
 * its waveform player and transcription; read / urgent; delete with undo (the server holds a deleted voicemail
 * for its undo window, then purges it, so nothing depends on this tab staying open); the mailbox's notifications.
 */
export function VoicemailPage({ route }: { route: Route }) {
  const list = useResource<{ voicemails: Voicemail[] }>('/api/voicemails?sort=unread&limit=500');
  const boxes = useResource<{ mailboxes: Mailbox[] }>('/api/voicemails/mailboxes');
  const [items, setItems] = useState<Voicemail[]>([]);
  const [trash, setTrash] = useState<Trashed[]>([]);
  const [now, setNow] = useState(Date.now());
  const player = useRef<PlayerHandle>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const toast = useToast();
  const noEdit = needs(useMe(), 'editor');
  const mailbox = route.query.get('mailbox') ?? '';

  // The server's order on each load; local changes (read, urgent) keep a message where it is until the next one.
  useEffect(() => { if (list.data) setItems(inboxOrder(list.data.voicemails)); }, [list.data]);
  useEvery(list.reload, POLL_MS);
  useEffect(() => {
    if (!trash.length) return;
    const t = setInterval(() => { setNow(Date.now()); setTrash((x) => x.filter((e) => e.purgeAt > Date.now())); }, 500);
    return () => clearInterval(t);
  }, [trash.length]);

  const visible = useMemo(() => items.filter((v) => !mailbox || v.mailbox === mailbox), [items, mailbox]);
  const mailboxIds = useMemo(() => [...new Set([...(boxes.data?.mailboxes ?? []).map((m) => m.id), ...items.map((v) => v.mailbox)])].sort(), [boxes.data, items]);
  const selectedId = route.rest[0] ?? visible[0]?.id;
  const selected = items.find((v) => v.id === selectedId);
  const go = useCallback((id: string | undefined) => { location.hash = href('voicemail', ...(id ? [id] : []), { mailbox: mailbox || undefined }); }, [mailbox]);
  const patchLocal = (id: string, p: Partial<Voicemail>) => setItems((xs) => xs.map((v) => (v.id === id ? { ...v, ...p } : v)));

  async function patch(v: Voicemail, body: { read?: boolean; urgent?: boolean }) {
    try { const r = await api<{ voicemail: Voicemail }>('PATCH', `/api/voicemails/${v.id}`, body); patchLocal(v.id, r.voicemail); }
    catch (e) { toast('error', `Could not update the voicemail: ${(e as Error).message}`); }
  }
  async function remove(v: Voicemail) {
    try {
      const r = await api<{ undoSeconds: number }>('POST', `/api/voicemails/${v.id}/trash`);
      const ids = visible.map((x) => x.id);
      const next = neighbour(ids, v.id, 1) === v.id ? neighbour(ids, v.id, -1) : neighbour(ids, v.id, 1);
      setItems((xs) => xs.filter((x) => x.id !== v.id));
      // Counted on this clock (the server's may differ), and a little early, so Undo is never offered too late.
      setTrash((t) => [...t, { vm: v, purgeAt: Date.now() + r.undoSeconds * 1000 - 500 }]);
      setNow(Date.now());
      if (selectedId === v.id) go(next === v.id ? undefined : next);
    } catch (e) { toast('error', `Could not delete the voicemail: ${(e as Error).message}`); }
  }
  async function undo(entry: Trashed | undefined) {
    if (!entry) return;
    setTrash((t) => t.filter((e) => e !== entry));
    try {
      const r = await api<{ voicemail: Voicemail }>('POST', `/api/voicemails/${entry.vm.id}/restore`);
      setItems((xs) => inboxOrder([...xs.filter((x) => x.id !== r.voicemail.id), r.voicemail]));
      go(r.voicemail.id);
    } catch (e) { toast('error', `Could not undo: ${(e as Error).message}`); }
  }
  const played = (v: Voicemail) => { if (!v.readAt) void patch(v, { read: true }); };

  // The keyboard: see inboxKey (voicemail-logic.ts). A focused button keeps Space and Enter for itself.
  const keys = useRef<(e: KeyboardEvent) => void>(() => {});
  keys.current = (e) => {
    if (document.querySelector('[aria-modal=true]')) return;
    const action = inboxKey({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, shiftKey: e.shiftKey, inField: isField(e.target) });
    if (!action || (action === 'toggle' && (e.target as HTMLElement | null)?.tagName === 'BUTTON')) return;
    e.preventDefault();
    const ids = visible.map((v) => v.id);
    if (action === 'undo') return void undo(trash.at(-1));
    if (action === 'next' || action === 'previous') {
      const id = neighbour(ids, selectedId, action === 'next' ? 1 : -1);
      go(id);
      if (listRef.current?.contains(document.activeElement)) requestAnimationFrame(() => listRef.current?.querySelector<HTMLElement>(`[data-id="${id}"] a`)?.focus());
      return;
    }
    if (!selected) return;
    if (action === 'toggle') player.current?.toggle();
    else if (action === 'back') player.current?.seek(-SEEK_SECONDS);
    else if (action === 'forward') player.current?.seek(SEEK_SECONDS);
    else if (action === 'unread') void patch(selected, { read: false });
    else if (action === 'urgent') void patch(selected, { urgent: !selected.urgent });
    else if (action === 'delete') { if (noEdit) toast('info', noEdit); else void remove(selected); }
  };
  useEffect(() => { const on = (e: KeyboardEvent) => keys.current(e); addEventListener('keydown', on); return () => removeEventListener('keydown', on); }, []);
  useEffect(() => { listRef.current?.querySelector(`[data-id="${selectedId}"]`)?.scrollIntoView({ block: 'nearest' }); }, [selectedId]);

  const unreadIn = (box: string) => items.filter((v) => !v.readAt && (!box || v.mailbox === box)).length;
  return (
    <div className="console-page vm-page">
      <div className="row vm-toolbar">
        <h1>Voicemail</h1>
        <label className="vm-filter">Mailbox{' '}
          <select name="vm-mailbox" value={mailbox} onChange={(e) => { location.hash = href('voicemail', { mailbox: e.target.value || undefined }); }}>
            <option value="">All mailboxes ({unreadIn('')} unread)</option>
            {mailboxIds.map((m) => <option key={m} value={m}>{m} ({unreadIn(m)} unread)</option>)}
          </select>
        </label>
        <span className="grow" />
        <details className="vm-keys"><summary>Keyboard shortcuts</summary>
          <dl className="shortcuts"><dt>Space</dt><dd>play / pause</dd><dt>← →</dt><dd>back / forward {SEEK_SECONDS} s</dd><dt>J K</dt><dd>next / previous message</dd>
            <dt>U</dt><dd>mark unread</dd><dt>!</dt><dd>urgent on / off</dd><dt>Delete</dt><dd>delete (with undo)</dd><dt>Ctrl+Z</dt><dd>undo the delete</dd></dl>
        </details>
      </div>
      <ResourceView state={list} what="voicemails" isEmpty={() => !visible.length && !trash.length}
        empty={mailbox ? `No voicemail in “${mailbox}”. Callers who reach a voicemail node with this mailbox show up here.` : 'No voicemail yet. When a caller reaches a voicemail node in a flow, the message shows up here, unread first.'}>
        {() => (
          <div className="vm-layout">
            <ul className="vm-list" ref={listRef} aria-label="Voicemails, unread first">
              {visible.map((v) => (
                <li key={v.id} data-id={v.id} className={`${v.readAt ? 'read' : 'unread'}${v.id === selectedId ? ' on' : ''}`}>
                  <a href={href('voicemail', v.id, { mailbox: mailbox || undefined })} aria-current={v.id === selectedId ? 'true' : undefined}>
                    <span className="vm-who">{whoOf(v)}{!v.readAt && <span className="sr-only"> (unread)</span>}</span>
                    {v.urgent && <span className="badge vm-urgent">Urgent</span>}
                    <span className="vm-when muted">{new Date(v.createdAt).toLocaleString()} · {clock(v.seconds)}</span>
                    <span className="vm-snippet muted">{v.transcription ?? (v.transcribe ? 'Transcription pending' : 'No transcription')}</span>
                  </a>
                </li>
              ))}
            </ul>
            {selected
              ? <VoicemailDetail ref={player} vm={selected} onRead={(read) => void patch(selected, { read })} onUrgent={() => void patch(selected, { urgent: !selected.urgent })}
                  onDelete={() => void remove(selected)} onPlay={() => played(selected)} />
              : <div className="empty">{route.rest[0] ? 'This voicemail is not in the inbox (it was deleted).' : 'Pick a voicemail.'}</div>}
          </div>
        )}
      </ResourceView>
      {mailbox ? <MailboxSettings id={mailbox} mailbox={boxes.data?.mailboxes.find((m) => m.id === mailbox)} onSaved={() => void boxes.reload()} />
        : <p className="muted vm-settings-hint">Pick a mailbox above to choose who is told about its new voicemail.</p>}
      <div className="vm-undo-area" role="status" aria-live="polite">
        {trash.map((t) => (
          <div key={t.vm.id} className="vm-undo" data-testid="vm-undo">
            <span>Deleted the voicemail from {whoOf(t.vm)}.</span>
            <button onClick={() => void undo(t)}>Undo</button>
            <span className="muted">{Math.max(0, Math.ceil((t.purgeAt - now) / 1000))} s</span>
          </div>
        ))}
      </div>
    </div>
  );
}
