import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api.js';
import { useToast } from '../ui.js';
import { needs, useMe } from '../me.js';
import { ResourceView, useEvery, useResource } from './resource.js';
import './notifications.css';

interface Smtp { host: string; port: number; security: 'tls' | 'starttls' | 'none'; user: string | null; passwordSet: boolean; from: string; timezone: string }
interface Mailbox { id: string; name: string; email: string[] }
interface Missed { sms: string | null; emails: string[]; webhookUrl: string | null; textBack: { enabled: boolean; text: string; hours: number } }
interface OutboxRow { id: string; channel: string; kind: string; target: string; state: 'pending' | 'sent' | 'failed'; attempts: number; nextAttemptAt: string; lastError: string | null; createdAt: string; ref: string | null; payload: Record<string, any> }

/** "a@x.com, b@y.com" ⇄ ["a@x.com", "b@y.com"]. */
const list = (s: string) => s.split(/[\s,;]+/).filter(Boolean);
const when = (iso: string) => new Date(iso).toLocaleString();

/**
 * `#/notifications`: where voicemails and missed calls are told. The SMTP server (with "Send test email"), each
 * mailbox's email recipients, each number's missed-call alerts and text-back, and the outbox: what was sent, what
 * waits for a retry and why, with "Retry now".
 */
export function NotificationsPage() {
  return (
    <div className="console-page notifications">
      <h1>Notifications</h1>
      <SmtpSection />
      <MailboxSection />
      <MissedSection />
      <OutboxSection />
    </div>
  );
}

function SmtpSection() {
  const state = useResource<{ smtp: Smtp | null }>('/api/notifications/smtp');
  const toast = useToast();
  const noAdmin = needs(useMe(), 'admin');
  const [f, setF] = useState({ host: '', port: '587', security: 'starttls', user: '', password: '', from: '', timezone: 'UTC' });
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const s = state.data?.smtp;
  useEffect(() => {
    if (s) setF({ host: s.host, port: String(s.port), security: s.security, user: s.user ?? '', password: '', from: s.from, timezone: s.timezone });
  }, [s]);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });

  async function save(e: FormEvent) {
    e.preventDefault();
    try {
      await api('PUT', '/api/notifications/smtp', {
        host: f.host.trim(), port: Number(f.port), security: f.security, user: f.user.trim() || null, from: f.from.trim(), timezone: f.timezone.trim() || 'UTC',
        ...(f.password ? { password: f.password } : {}), // empty: keep the stored one
      });
      toast('ok', 'SMTP settings saved');
      await state.reload();
    } catch (err) { toast('error', `Could not save: ${(err as Error).message}`); }
  }
  async function test(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try { await api('POST', '/api/notifications/smtp/test', { to: to.trim() }); toast('ok', `Test email accepted for ${to.trim()}`); }
    catch (err) { toast('error', (err as Error).message); }
    finally { setBusy(false); }
  }

  return (
    <section aria-labelledby="smtp-h">
      <h2 id="smtp-h">Email server (SMTP)</h2>
      <ResourceView state={state} what="SMTP settings">
        {() => (
          <>
            <form className="grid" onSubmit={save} aria-label="SMTP settings">
              <label>Host<input name="host" required value={f.host} onChange={set('host')} placeholder="smtp.example.com" /></label>
              <label>Port<input name="port" required type="number" min={1} max={65535} value={f.port} onChange={set('port')} /></label>
              <label>Security
                <select name="security" value={f.security} onChange={set('security')}>
                  <option value="starttls">STARTTLS (587)</option><option value="tls">TLS (465)</option><option value="none">None (a relay on this machine)</option>
                </select>
              </label>
              <label>User<input name="user" value={f.user} onChange={set('user')} autoComplete="off" /></label>
              <label>Password<input name="password" type="password" value={f.password} onChange={set('password')} autoComplete="new-password"
                placeholder={s?.passwordSet ? 'stored: leave empty to keep' : ''} /></label>
              <label>From<input name="from" required value={f.from} onChange={set('from')} placeholder="Callflow <voicemail@example.com>" /></label>
              <label>Time zone<input name="timezone" value={f.timezone} onChange={set('timezone')} placeholder="America/Chicago" /></label>
              <div className="row end"><button className="primary" disabled={!!noAdmin} title={noAdmin || undefined}>Save SMTP settings</button></div>
            </form>
            <form className="row" onSubmit={test} aria-label="Send a test email">
              <label className="row">Send a test email to<input name="testTo" type="email" required value={to} onChange={(e) => setTo(e.target.value)} /></label>
              <button disabled={busy || !s || !!noAdmin} title={noAdmin || undefined}>{busy ? 'Sending…' : 'Send test email'}</button>
              {!s && <span className="muted">Save the settings first.</span>}
            </form>
          </>
        )}
      </ResourceView>
    </section>
  );
}

function MailboxSection() {
  const state = useResource<{ mailboxes: Mailbox[] }>('/api/voicemails/mailboxes');
  const toast = useToast();
  const noEdit = needs(useMe(), 'editor');
  const [draft, setDraft] = useState<Record<string, string>>({});
  async function save(m: Mailbox) {
    try {
      await api('PUT', `/api/voicemails/mailboxes/${encodeURIComponent(m.id)}`, { email: list(draft[m.id] ?? m.email.join(', ')) });
      toast('ok', `Saved the recipients of ${m.name}`);
      await state.reload();
    } catch (err) { toast('error', `Could not save: ${(err as Error).message}`); }
  }
  return (
    <section aria-labelledby="mb-h">
      <h2 id="mb-h">Voicemail by email</h2>
      <p className="muted">Each voicemail is emailed with the recording attached and its transcription.</p>
      <ResourceView state={state} what="mailboxes" isEmpty={(d) => !d.mailboxes.length}
        empty="No mailboxes yet: a flow's voicemail node names its mailbox; set it up under Voicemail.">
        {(d) => d.mailboxes.map((m) => (
          <form key={m.id} className="row line" onSubmit={(e) => { e.preventDefault(); void save(m); }} aria-label={`Mailbox ${m.name}`}>
            <label className="grow row">{m.name} <code>{m.id}</code>
              <input className="grow" name={`email-${m.id}`} value={draft[m.id] ?? m.email.join(', ')} placeholder="owner@example.com, team@example.com"
                onChange={(e) => setDraft({ ...draft, [m.id]: e.target.value })} /></label>
            <button disabled={!!noEdit} title={noEdit || undefined}>Save</button>
          </form>
        ))}
      </ResourceView>
    </section>
  );
}

function MissedSection() {
  const state = useResource<{ numbers: { e164: string }[] }>('/api/numbers');
  return (
    <section aria-labelledby="mc-h">
      <h2 id="mc-h">Missed-call alerts</h2>
      <p className="muted">A call that ended before anyone answered (no voicemail left) is told here, with a call-back link.</p>
      <ResourceView state={state} what="numbers" isEmpty={(d) => !d.numbers.length} empty="No numbers yet: buy one under Numbers.">
        {(d) => d.numbers.map((n) => <MissedForm key={n.e164} e164={n.e164} />)}
      </ResourceView>
    </section>
  );
}

function MissedForm({ e164 }: { e164: string }) {
  const state = useResource<Missed>(`/api/notifications/missed/${encodeURIComponent(e164)}`);
  const toast = useToast();
  const noEdit = needs(useMe(), 'editor');
  const [f, setF] = useState<{ sms: string; emails: string; webhookUrl: string; enabled: boolean; text: string; hours: string } | null>(null);
  useEffect(() => {
    const d = state.data;
    if (d) setF({ sms: d.sms ?? '', emails: d.emails.join(', '), webhookUrl: d.webhookUrl ?? '', enabled: d.textBack.enabled, text: d.textBack.text, hours: String(d.textBack.hours) });
  }, [state.data]);
  async function save(e: FormEvent) {
    e.preventDefault();
    if (!f) return;
    try {
      await api('PUT', `/api/notifications/missed/${encodeURIComponent(e164)}`, {
        sms: f.sms.trim() || null, emails: list(f.emails), webhookUrl: f.webhookUrl.trim() || null, textBack: { enabled: f.enabled, text: f.text, hours: Number(f.hours) || 24 },
      });
      toast('ok', `Saved the missed-call alerts of ${e164}`);
    } catch (err) { toast('error', `Could not save: ${(err as Error).message}`); }
  }
  return (
    <ResourceView state={state} what={`alerts of ${e164}`}>
      {() => f && (
        <form className="grid missed" onSubmit={save} aria-label={`Missed-call alerts of ${e164}`}>
          <strong className="span">{e164}</strong>
          <label>SMS to<input name="sms" value={f.sms} onChange={(e) => setF({ ...f, sms: e.target.value })} placeholder="+13125550123" /></label>
          <label>Email to<input name="emails" value={f.emails} onChange={(e) => setF({ ...f, emails: e.target.value })} placeholder="owner@example.com" /></label>
          <label>Webhook URL<input name="webhookUrl" type="url" value={f.webhookUrl} onChange={(e) => setF({ ...f, webhookUrl: e.target.value })} placeholder="https://hooks.example.com/missed" /></label>
          <label className="check"><input type="checkbox" name="textBack" checked={f.enabled} onChange={(e) => setF({ ...f, enabled: e.target.checked })} /> Text the caller back</label>
          <label>Text-back message<input name="textBackText" value={f.text} disabled={!f.enabled} onChange={(e) => setF({ ...f, text: e.target.value })} /></label>
          <label>At most once per (hours)<input name="textBackHours" type="number" min={1} max={720} value={f.hours} disabled={!f.enabled} onChange={(e) => setF({ ...f, hours: e.target.value })} /></label>
          <div className="row end span"><button disabled={!!noEdit} title={noEdit || undefined}>Save alerts</button></div>
        </form>
      )}
    </ResourceView>
  );
}

function OutboxSection() {
  const [filter, setFilter] = useState('');
  const state = useResource<{ outbox: OutboxRow[] }>(`/api/notifications/outbox${filter ? `?state=${filter}` : ''}`);
  const toast = useToast();
  const noEdit = needs(useMe(), 'editor');
  const { reload } = state;
  // Rows move on their own (the worker sends and retries): refresh every 5 s while the page is open.
  useEvery(reload, 5000);
  async function retry(r: OutboxRow) {
    try { await api('POST', `/api/notifications/outbox/${r.id}/retry`); toast('ok', `Retrying the ${r.channel} to ${r.target}`); await reload(); }
    catch (err) { toast('error', `Could not retry: ${(err as Error).message}`); }
  }
  return (
    <section aria-labelledby="ob-h">
      <div className="row">
        <h2 id="ob-h" className="grow">Outbox</h2>
        <label className="row">Show
          <select value={filter} onChange={(e) => setFilter(e.target.value)} name="outboxState">
            <option value="">all</option><option value="pending">pending</option><option value="sent">sent</option><option value="failed">failed</option>
          </select>
        </label>
        <button onClick={() => void reload()}>Refresh</button>
      </div>
      <ResourceView state={state} what="notifications" isEmpty={(d) => !d.outbox.length} empty="Nothing sent yet: voicemails and missed calls are listed here as they are told.">
        {(d) => (
          <table className="table outbox">
            <thead><tr><th>Created</th><th>What</th><th>To</th><th>State</th><th>Attempts</th><th>Last error</th><th /></tr></thead>
            <tbody>
              {d.outbox.map((r) => (
                <tr key={r.id} data-outbox={r.id}>
                  <td>{when(r.createdAt)}</td>
                  <td>{r.kind} · {r.channel}{r.kind !== 'voicemail' && r.ref ? <> · <a href={`#/calls/${encodeURIComponent(r.ref)}`}>call</a></> : null}</td>
                  <td className="target">{r.target}</td>
                  <td><span className={`badge ${r.state === 'sent' ? 'ok' : r.state === 'failed' ? 'bad' : 'warn'}`}>{r.state}</span>
                    {r.state === 'pending' && <div className="muted small">next {when(r.nextAttemptAt)}</div>}</td>
                  <td>{r.attempts}</td>
                  <td className="err">{r.lastError ?? ''}</td>
                  <td>{r.state !== 'sent' && <button onClick={() => void retry(r)} disabled={!!noEdit} title={noEdit || undefined} aria-label={`Retry now: ${r.channel} to ${r.target}`}>Retry now</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </ResourceView>
    </section>
  );
}
