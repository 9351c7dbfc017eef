import { useState } from 'react';
import { api, apiKey, ApiError, setCsrfToken, type Me } from '../api.js';
import './signin.css';

/** Signs in with email and password (POST /api/session: the cookie is HttpOnly, the CSRF token kept in memory). */
export async function signInWith(email: string, password: string): Promise<Me> {
  const me = await api<Me>('POST', '/api/session', { email, password }, '');
  apiKey.clear();
  setCsrfToken(me.csrfToken);
  return me;
}

/**
 * The sign-in page: email and password, “Forgot password?”, and “Use an API key instead” for scripts and
 * development (the key is checked with GET /api/me and remembered in this browser).
 */
export function SignIn({ onReady, email: initial = '' }: { onReady: (me: Me) => void; email?: string }) {
  const [useKey, setUseKey] = useState(false);
  const [email, setEmail] = useState(initial);
  const [password, setPassword] = useState('');
  const [key, setKey] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true); setError('');
    try {
      if (useKey) {
        const me = await api<Me>('GET', '/api/me', undefined, key.trim());
        apiKey.set(key.trim());
        onReady(me);
      } else onReady(await signInWith(email.trim(), password));
    } catch (err) {
      const wrong = err instanceof ApiError && err.status === 401;
      setError(wrong ? (useKey ? 'That key was not accepted. Check it and try again.' : 'Wrong email or password.') : (err as Error).message);
    } finally { setBusy(false); }
  }
  return (
    <main className="gate">
      <form className="card signin" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to Callflow</h1>
        {useKey ? (
          <>
            <p>Enter an API key. It is remembered in this browser.</p>
            <label>API key<input name="apiKey" type="password" autoFocus value={key} onChange={(e) => setKey(e.target.value)} placeholder="cf_…" autoComplete="off" /></label>
          </>
        ) : (
          <>
            <label>Email<input name="email" type="email" autoFocus autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} /></label>
            <label>Password<input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} /></label>
          </>
        )}
        {error && <div className="error" role="alert">{error}</div>}
        <button className="primary" disabled={busy || (useKey ? !key.trim() : !email.trim() || !password)}>{busy ? 'Checking…' : useKey ? 'Continue' : 'Sign in'}</button>
        <div className="row signin-links">
          {!useKey && <a href="#/forgot">Forgot password?</a>}
          <span className="grow" />
          <button type="button" className="link" onClick={() => { setUseKey(!useKey); setError(''); }}>{useKey ? 'Sign in with email instead' : 'Use an API key instead'}</button>
        </div>
        <p className="muted small">The server prints the owner’s set-password link and an API key on its first start. Lost them? “Forgot password?” prints a new link on the server’s console, and <code>npx callflow admin create-key</code> issues a key.</p>
      </form>
    </main>
  );
}
