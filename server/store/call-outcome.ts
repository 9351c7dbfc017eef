/**
 * The one meaning of a call's outcome, shared by the call history (`outcome=`, console `#/calls`) and the
 * missed-call alerts (server/notify/missed.ts), so a call that alerts as missed is listed as missed and vice versa:
 * - `answered`: a person took it: inbound, a transfer or round robin connected the caller (a path line
 *   `<node>.connected`); outbound, the far end answered;
 * - `voicemail`: not answered, and a voicemail of the call was kept in a mailbox (deleted since or not);
 * - `rejected`: the flow refused it (a reject step: the path ends `end:rejected@<node>`); never answered by a
 *   person, never a missed call (the caller was meant to be turned away);
 * - `missed`: inbound, ended, neither of those (a message that was empty or not kept, the number's voicemail off,
 *   is missed: the owner has nothing to listen to).
 * The SQL below and {@link callOutcome} (built on {@link isConnected} / {@link isKeptVoicemail}, which the alerts use)
 * are the same rule; call-outcome.test.ts proves it.
 */

/** Whether a call's path says a person answered: a node left by its `connected` port (the IVR answering does not count). */
export const isConnected = (path: readonly string[]): boolean => path.some((p) => !p.startsWith('>') && !p.startsWith('end:') && p.endsWith('.connected'));

/** Whether the flow refused the call (the reject kind: its path ends `end:rejected@<node>`). */
export const isRejected = (path: readonly string[]): boolean => path.some((p) => p.startsWith('end:rejected'));

/** Whether a voicemail row counts: one kept in a mailbox (a recording never filed, voicemail off, does not). */
export const isKeptVoicemail = (v: { mailbox: string | null }): boolean => v.mailbox != null;

/** The outcome of a call_log row `c` in SQL (the history's filter and field), the rule above. */
export const OUTCOME_SQL = `CASE
  WHEN c.ended_at IS NULL THEN 'live'
  WHEN instr(char(10) || COALESCE(c.path, ''), char(10) || 'end:rejected') > 0 THEN 'rejected'
  WHEN (c.direction = 'outbound' AND c.answered_at IS NOT NULL)
    OR (c.direction = 'inbound' AND instr(char(10) || COALESCE(c.path, '') || char(10), '.connected' || char(10)) > 0) THEN 'answered'
  WHEN EXISTS (SELECT 1 FROM voicemails v WHERE v.call_id = c.call_id AND v.mailbox IS NOT NULL) THEN 'voicemail'
  WHEN c.direction = 'inbound' THEN 'missed'
  ELSE 'no-answer' END`;

/** The same rule in TypeScript, for a call log row and its voicemails (the SQL above is what the history runs). */
export function callOutcome(c: { direction: string; endedAt: string | null; answeredAt: string | null; path: readonly string[] },
  voicemails: readonly { mailbox: string | null }[]): 'live' | 'answered' | 'voicemail' | 'missed' | 'no-answer' | 'rejected' {
  if (!c.endedAt) return 'live';
  if (isRejected(c.path)) return 'rejected';
  if (c.direction === 'outbound' ? c.answeredAt != null : isConnected(c.path)) return 'answered';
  if (voicemails.some(isKeptVoicemail)) return 'voicemail';
  return c.direction === 'inbound' ? 'missed' : 'no-answer';
}
