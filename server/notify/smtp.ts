/**
 * Email through the company's SMTP server (nodemailer). One transport per message: settings change from the
 * console at any time and a notification is rare, so nothing is pooled. An SMTP 5xx answer (the server refuses
 * the message or the recipient for good) is a {@link PermanentFailure}; a 4xx (try later), a refused connection
 * or a timeout is retried by the outbox.
 */
import nodemailer from 'nodemailer';
import type { SmtpSettings } from '../store/notify-types.js';
import { PermanentFailure } from './failure.js';

/** What one email holds. */
export interface Email {
  to: string; subject: string; text: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

/** nodemailer's transport options for `s`: implicit TLS, STARTTLS required, or plain (a relay on this machine). */
export function transportOptions(s: SmtpSettings) {
  return {
    host: s.host, port: s.port, secure: s.security === 'tls', requireTLS: s.security === 'starttls', ignoreTLS: s.security === 'none',
    ...(s.user ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
    connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000,
  };
}

/** Sends one email; resolves with the server's message id. Throws PermanentFailure on a 5xx answer. */
export async function sendEmail(s: SmtpSettings | undefined, m: Email): Promise<string> {
  if (!s) throw new PermanentFailure('no SMTP settings: set them under Notifications, then Retry');
  const transport = nodemailer.createTransport(transportOptions(s));
  try {
    const info = await transport.sendMail({ from: s.from, to: m.to, subject: m.subject, text: m.text, attachments: m.attachments });
    return info.messageId;
  } catch (err) {
    const e = err as Error & { responseCode?: number; response?: string; code?: string };
    const why = e.response ? `${e.message}` : `${e.code ? `${e.code}: ` : ''}${e.message}`;
    if (e.responseCode && e.responseCode >= 500) throw new PermanentFailure(`SMTP refused: ${why}`);
    throw new Error(`SMTP: ${why}`);
  } finally {
    transport.close();
  }
}
