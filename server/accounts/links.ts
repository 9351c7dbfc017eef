/**
 * Where one-time links (set a password, reset a password) go. There is no email yet, so the default prints
 * the link on the server's console (stderr) — never into the JSON log, which is shipped and kept — for the
 * operator to pass on. Issue #16 can send an email here instead: give `createApp` a `links` function.
 */

/** A link for one person, valid until `expiresAt`. */
export interface OneTimeLink { purpose: 'reset' | 'setup'; email: string; url: string; expiresAt: string }

/** Delivers a link (prints it, or later: emails it). */
export type LinkSink = (link: OneTimeLink) => void;

/** The default: one plain line on stderr. */
export const printLink: LinkSink = (l) => {
  const what = l.purpose === 'setup' ? 'set a password' : 'reset the password';
  process.stderr.write(`callflow: to ${what} of ${l.email}, open ${l.url} (valid until ${l.expiresAt}; no email is sent yet)\n`);
};

/** The console's page for a reset token (a hash route: browsers never send the fragment to a server, so no access log keeps it). */
export const resetUrl = (publicUrl: string, token: string) => `${publicUrl}/#/reset/${token}`;
/** The console's page for an invitation token. */
export const inviteUrl = (publicUrl: string, token: string) => `${publicUrl}/#/accept/${token}`;
