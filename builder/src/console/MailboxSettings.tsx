import { useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import { useToast } from '../ui.js';
import { needs, useMe } from '../me.js';

/** A mailbox's notification settings (GET /api/voicemails/mailboxes). */
export interface Mailbox { id: string; name: string; notifySms: string | null; webhookUrl: string | null }

/**
 * Who hears about new voicemail in one mailbox: an SMS to a number, a signed webhook. The server checks both
 * (E.164; the webhook's SSRF rules) and its message is shown beside the field it names.
 */
export function MailboxSettings({ id, mailbox, onSaved }: { id: string; mailbox: Mailbox | undefined; onSaved: (m: Mailbox) => void }) {
  const [name, setName] = useState('');
  const [sms, setSms] = useState('');
  const [hook, setHook] = useState('');
  const [error, setError] = useState<{ field: string; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const noEdit = needs(useMe(), 'editor');
  useEffect(() => {
    setName(mailbox?.name ?? id); setSms(mailbox?.notifySms ?? ''); setHook(mailbox?.webhookUrl ?? ''); setError(null);
  }, [id, mailbox]);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      const r = await api<{ mailbox: Mailbox }>('PUT', `/api/voicemails/mailboxes/${encodeURIComponent(id)}`,
        { name: name.trim() || id, notifySms: sms.trim() || null, webhookUrl: hook.trim() || null });
      onSaved(r.mailbox);
      toast('ok', `Saved the settings of “${r.mailbox.name}”`);
    } catch (err) {
      const path = err instanceof ApiError ? (err.body?.error?.path as string[] | undefined) : undefined;
      setError({ field: path?.[0] ?? '', text: (err as Error).message });
    } finally { setBusy(false); }
  }
  const invalid = (f: string) => (error?.field === f ? { 'aria-invalid': true as const, 'aria-describedby': 'mb-error' } : {});

  return (
    <form className="vm-settings" onSubmit={save} aria-labelledby="mb-title">
      <h2 id="mb-title">Notifications for mailbox “{mailbox?.name ?? id}”</h2>
      <label className="field"><span>Name</span><input name="mb-name" value={name} onChange={(e) => setName(e.target.value)} {...invalid('name')} /></label>
      <label className="field"><span>Text a number <em>(E.164, empty: no SMS)</em></span>
        <input name="mb-sms" value={sms} placeholder="+13125550123" onChange={(e) => setSms(e.target.value)} {...invalid('notifySms')} /></label>
      <label className="field"><span>Webhook URL <em>(signed with Ed25519, empty: none)</em></span>
        <input name="mb-webhook" value={hook} placeholder="https://example.com/hooks/voicemail" onChange={(e) => setHook(e.target.value)} {...invalid('webhookUrl')} /></label>
      <p className="muted vm-email-note" data-testid="mb-email">Email recipients: set them on <a href="#/notifications">Notifications</a>, next to the SMTP server.</p>
      {error && <div className="error" role="alert" id="mb-error">Not saved: {error.text}</div>}
      <button className="primary" disabled={busy || !!noEdit} title={noEdit || undefined}>{busy ? 'Saving…' : 'Save notifications'}</button>
    </form>
  );
}
