import { useState } from 'react';
import { api } from '../api.js';
import { useToast } from '../ui.js';
import { useMe } from '../me.js';
import { People } from './settings-people.js';
import { ApiKeys } from './settings-keys.js';
import './settings.css';

/** Your name and password (changing it signs out your other sessions). */
function Profile() {
  const me = useMe();
  const toast = useToast();
  const [name, setName] = useState(me?.person?.name ?? '');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState('');
  if (!me?.person) {
    return <section aria-labelledby="profile-h"><h2 id="profile-h">Your profile</h2><p className="muted">You are using an API key that belongs to no person (it acts as an owner). Sign in with email and password to have a profile.</p></section>;
  }
  async function saveName(e: React.FormEvent) {
    e.preventDefault(); setBusy('name');
    try { await api('PATCH', '/api/me', { name: name.trim() }); toast('ok', 'Name saved'); } catch (err) { toast('error', `Not saved: ${(err as Error).message}`); } finally { setBusy(''); }
  }
  async function savePassword(e: React.FormEvent) {
    e.preventDefault(); setBusy('pw');
    try { await api('PUT', '/api/me/password', { current, password: next }); setCurrent(''); setNext(''); toast('ok', 'Password changed; your other sessions were signed out'); }
    catch (err) { toast('error', `Not changed: ${(err as Error).message}`); } finally { setBusy(''); }
  }
  return (
    <section aria-labelledby="profile-h">
      <h2 id="profile-h">Your profile</h2>
      <p><strong>{me.person.email}</strong> · <span className="badge">{me.role}</span> in {me.company.name}</p>
      <div className="settings-grid">
        <form onSubmit={saveName} className="settings-form">
          <label>Name<input name="profile-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} /></label>
          <button disabled={busy === 'name' || !name.trim() || name.trim() === me.person.name}>Save name</button>
        </form>
        <form onSubmit={savePassword} className="settings-form">
          <label>Current password<input name="current-password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required /></label>
          <label>New password (8 characters or more)<input name="new-password" type="password" autoComplete="new-password" minLength={8} value={next} onChange={(e) => setNext(e.target.value)} required /></label>
          <button disabled={busy === 'pw' || !current || next.length < 8}>Change password</button>
        </form>
      </div>
    </section>
  );
}

/** `#/settings`: your profile and password, the people and their roles with invitations, and your API keys. */
export function SettingsPage() {
  return (
    <div className="flows settings">
      <h1>Settings</h1>
      <Profile />
      <People />
      <ApiKeys />
    </div>
  );
}
