import { useEffect, useState } from 'react';
import { api, ApiError, type Me, type Role } from '../api.js';
import type { Route } from './route.js';
import { signInWith } from './SignIn.js';
import './signin.css';

/** A new password typed twice; `onChange` gets it once both match and it is long enough (the server checks too). */
function NewPassword({ onChange }: { onChange: (v: string) => void }) {
  const [again, setAgain] = useState('');
  const [pw, setPw] = useState('');
  useEffect(() => { onChange(pw.length >= 8 && pw === again ? pw : ''); }, [pw, again, onChange]);
  return (
    <>
      <label>New password<input name="new-password" type="password" autoComplete="new-password" required minLength={8} value={pw} onChange={(e) => setPw(e.target.value)} aria-describedby="pw-hint" /></label>
      <span id="pw-hint" className="muted small">At least 8 characters.</span>
      <label>Repeat it<input name="repeat-password" type="password" autoComplete="new-password" required value={again} onChange={(e) => setAgain(e.target.value)} /></label>
      {again && pw !== again && <span className="field-error" role="status">The two passwords differ.</span>}
    </>
  );
}

/** `#/forgot`: asks for a reset link (printed on the server's console: there is no email yet). */
export function ForgotPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(e: React.FormEvent) {
    e.preventDefault(); setBusy(true); setError('');
    try { setSent((await api<{ message: string }>('POST', '/api/password-reset', { email: email.trim() }, '')).message); }
    catch (err) { setError((err as Error).message); } finally { setBusy(false); }
  }
  return (
    <main className="gate">
      <form className="card signin" onSubmit={submit} aria-labelledby="forgot-title">
        <h1 id="forgot-title">Reset your password</h1>
        {sent ? <div className="banner ok" role="status">{sent}</div> : (
          <>
            <label>Email<input name="email" type="email" autoFocus required autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} /></label>
            {error && <div className="error" role="alert">{error}</div>}
            <button className="primary" disabled={busy || !email.trim()}>{busy ? 'Sending…' : 'Send a reset link'}</button>
          </>
        )}
        <a href="#/flows">Back to sign in</a>
      </form>
    </main>
  );
}

/** `#/reset/<token>`: sets a new password with a one-time link, then signs in. */
export function ResetPage({ route, onReady }: { route: Route; onReady: (me: Me) => void }) {
  const token = route.rest[0] ?? '';
  const [pw, setPw] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(e: React.FormEvent) {
    e.preventDefault(); setBusy(true); setError('');
    try {
      const { email } = await api<{ email: string }>('POST', '/api/password-reset/complete', { token, password: pw }, '');
      location.replace('#/flows'); // fires hashchange (the console shows), and the token leaves the history
      onReady(await signInWith(email, pw));
    } catch (err) { setError((err as Error).message); } finally { setBusy(false); }
  }
  return (
    <main className="gate">
      <form className="card signin" onSubmit={submit} aria-labelledby="reset-title">
        <h1 id="reset-title">Choose a password</h1>
        <NewPassword onChange={setPw} />
        {error && <div className="error" role="alert">{error} <a href="#/forgot">Ask for a new link</a></div>}
        <button className="primary" disabled={busy || !pw}>{busy ? 'Saving…' : 'Set password and sign in'}</button>
        <a href="#/flows">Back to sign in</a>
      </form>
    </main>
  );
}

/** `#/accept/<token>`: an invitation — who invited you to which company as what; your name and password, then signed in. */
export function AcceptPage({ route, onReady }: { route: Route; onReady: (me: Me) => void }) {
  const token = route.rest[0] ?? '';
  const [invite, setInvite] = useState<{ email: string; role: Role; company: { name: string } } | null>(null);
  const [loadError, setLoadError] = useState('');
  const [name, setName] = useState('');
  const [pw, setPw] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const load = () => { setLoadError(''); api('POST', '/api/invitations/peek', { token }, '').then(setInvite, (e: Error) => setLoadError(e.message)); };
  useEffect(load, [token]);
  async function submit(e: React.FormEvent) {
    e.preventDefault(); setBusy(true); setError('');
    try {
      await api('POST', '/api/invitations/accept', { token, name: name.trim(), password: pw }, '');
      location.replace('#/flows'); // fires hashchange (the console shows), and the token leaves the history
      onReady(await signInWith(invite!.email, pw));
    } catch (err) { setError(err instanceof ApiError && err.status === 409 ? `${err.message}.` : (err as Error).message); } finally { setBusy(false); }
  }
  return (
    <main className="gate">
      <form className="card signin" onSubmit={submit} aria-labelledby="accept-title">
        <h1 id="accept-title">Join Callflow</h1>
        {loadError ? <div className="error" role="alert">{loadError} <button type="button" onClick={load}>Retry</button></div>
          : !invite ? <div className="loading"><span className="spinner" /> Reading the invitation…</div> : (
            <>
              <p>You are invited to <strong>{invite.company.name}</strong> as <strong>{invite.role}</strong>, as <strong>{invite.email}</strong>.</p>
              <label>Your name<input name="name" autoFocus required autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} /></label>
              <NewPassword onChange={setPw} />
              {error && <div className="error" role="alert">{error}</div>}
              <button className="primary" disabled={busy || !pw || !name.trim()}>{busy ? 'Joining…' : 'Join and sign in'}</button>
            </>
          )}
        <a href="#/flows">Back to sign in</a>
      </form>
    </main>
  );
}
