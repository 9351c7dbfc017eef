import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api.js';
import { needs, useMe } from '../me.js';
import { deliveryOf, outgoing, type Message } from './messages-logic.js';

const POLL_MS = 2000;
type Thread = { optedOut: boolean; messages: (Message & { readAt?: string | null })[]; isNew: boolean };

/**
 * One conversation: its messages oldest first with each one's delivery state, polled so replies and status
 * changes appear without a reload; opening it marks its inbound messages read. The send box sends SMS, or MMS
 * with media URLs; a refused send (opted out, budget, a number that cannot send) shows the server's reason.
 */
export function MessageThread({ customer, numbers, onChanged }: { customer: string; numbers: string[]; onChanged: () => void }) {
  const [thread, setThread] = useState<Thread | null>(null);
  const [error, setError] = useState('');
  const [from, setFrom] = useState('');
  const [text, setText] = useState('');
  const [media, setMedia] = useState('');
  const [refused, setRefused] = useState('');
  const [busy, setBusy] = useState(false);
  const noEdit = needs(useMe(), 'editor');
  const end = useRef<HTMLLIElement>(null);
  const changed = useRef(onChanged);
  changed.current = onChanged;

  const load = useCallback(async () => {
    try {
      const r = await api<{ optedOut: boolean; messages: Thread['messages'] }>('GET', `/api/messages/conversations/${encodeURIComponent(customer)}`);
      setThread({ optedOut: r.optedOut, messages: r.messages, isNew: false }); setError('');
      if (r.messages.some((m) => m.direction === 'inbound' && !m.readAt)) {
        await api('POST', `/api/messages/conversations/${encodeURIComponent(customer)}/read`).catch(() => {});
        changed.current();
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setThread({ optedOut: false, messages: [], isNew: true });
      else setError((e as Error).message);
    }
  }, [customer]);
  useEffect(() => {
    setThread(null); setError(''); setRefused(''); setText(''); setMedia('');
    void load();
    const t = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(t);
  }, [load]);
  const lastOurs = thread?.messages.at(-1)?.ourNumber;
  useEffect(() => { setFrom((f) => (f && numbers.includes(f) ? f : lastOurs ?? numbers[0] ?? '')); }, [lastOurs, numbers]);
  const count = thread?.messages.length ?? 0;
  useEffect(() => { end.current?.scrollIntoView({ block: 'nearest' }); }, [count]);

  async function send(e?: React.FormEvent) {
    e?.preventDefault();
    const body = outgoing(from, customer, text, media);
    if (!body || busy) return;
    setBusy(true); setRefused('');
    try {
      await api('POST', '/api/messages', body);
      setText(''); setMedia('');
      await load(); changed.current();
    } catch (err) { setRefused((err as Error).message); }
    finally { setBusy(false); }
  }

  if (!thread) return error ? <div className="error" role="alert">Could not load the conversation: {error} <button onClick={() => void load()}>Retry</button></div>
    : <div className="loading"><span className="spinner" /> Loading the conversation…</div>;
  return (
    <section className="msg-thread" aria-labelledby="msg-title" data-testid="msg-thread">
      <header className="msg-thread-head"><h2 id="msg-title">{customer}</h2>{thread.optedOut && <span className="badge msg-opted">Opted out</span>}</header>
      {error && <div className="error" role="alert">Could not refresh: {error}</div>}
      {thread.optedOut && <div className="banner warn" role="note">{customer} opted out (replied STOP): messages to this number are refused until it replies START.</div>}
      {thread.isNew && <p className="muted">No messages with {customer} yet. Write the first one below.</p>}
      <ol className="msg-list" aria-label={`Messages with ${customer}, oldest first`} aria-live="polite">
        {thread.messages.map((m) => {
          const d = deliveryOf(m);
          return (
            <li key={m.id} className={`msg ${m.direction}`} data-testid="msg">
              {m.text && <p className="msg-text">{m.text}</p>}
              {m.media.map((u) => <a key={u} className="msg-media" href={u} target="_blank" rel="noreferrer noopener">{u}</a>)}
              <span className="msg-meta">{new Date(m.createdAt).toLocaleString()} · {m.direction === 'outbound' ? `from ${m.ourNumber}` : `to ${m.ourNumber}`}
                {' · '}<span className={`msg-status ${d.tone}`} data-testid="msg-status">{d.text}</span></span>
            </li>
          );
        })}
        <li ref={end} className="msg-end" aria-hidden="true" />
      </ol>
      <form className="msg-send" onSubmit={send}>
        <label className="field"><span>From</span>
          <select name="msg-from" value={from} onChange={(e) => setFrom(e.target.value)}>
            {numbers.length ? numbers.map((n) => <option key={n} value={n}>{n}</option>) : <option value="">No numbers: buy one first</option>}
          </select></label>
        <label className="field msg-text-field"><span>Message <em>(Enter sends, Shift+Enter: new line)</em></span>
          <textarea name="msg-text" rows={2} value={text} onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); void send(); } }} /></label>
        <label className="field"><span>Media URLs <em>(MMS, optional)</em></span>
          <input name="msg-media" value={media} placeholder="https://example.com/menu.jpg" onChange={(e) => setMedia(e.target.value)} /></label>
        {refused && <div className="error" role="alert" data-testid="msg-refused">Not sent: {refused}</div>}
        <button className="primary" disabled={busy || !!noEdit || !from || !outgoing(from, customer, text, media)} title={noEdit || undefined}>{busy ? 'Sending…' : media.trim() ? 'Send MMS' : 'Send SMS'}</button>
      </form>
    </section>
  );
}
