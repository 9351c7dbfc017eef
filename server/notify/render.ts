/**
 * The words of each notification, rendered when it is sent (the voicemail as it is then: a transcription that
 * arrived while the notice waited is in it). Times are given in the company's zone (its SMTP settings'
 * `timezone`, else UTC).
 */
import { DateTime } from 'luxon';
import type { VoicemailRow } from '../store/business-types.js';
import { describeMissed, type MissedCall } from './missed.js';

/** `Dec 4, 2026, 3:04 PM CST` in `zone` (UTC when the zone is unknown). */
export function localTime(iso: string, zone = 'UTC'): string {
  const t = DateTime.fromISO(iso, { zone });
  return (t.isValid ? t : DateTime.fromISO(iso, { zone: 'UTC' })).toFormat('LLL d, yyyy, h:mm a ZZZZ');
}

/** `1:05` for 65 s. */
export const duration = (seconds: number | null) => { const s = Math.round(seconds ?? 0); return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`; };

/** The transcription line of a voicemail: the text, "transcription pending", or none asked for. */
export function transcriptionText(vm: VoicemailRow): string {
  if (vm.transcription) return vm.transcription;
  return vm.transcribe ? 'transcription pending (it will be in the inbox when it arrives)' : 'no transcription (not requested)';
}

/** Subject and body of a voicemail email; `audio` says whether the recording is attached or why not. */
export function voicemailEmail(vm: VoicemailRow, mailboxName: string, zone: string, audio: string, inboxUrl: string): { subject: string; text: string } {
  const caller = vm.caller ?? 'unknown caller';
  return {
    subject: `Voicemail from ${caller} (${mailboxName})`,
    text: [
      `New voicemail in ${mailboxName}.`, '',
      `Caller:        ${caller}`,
      `Number called: ${vm.number ?? 'unknown'}`,
      `Time:          ${localTime(vm.createdAt, zone)}`,
      `Duration:      ${duration(vm.seconds)}`,
      `Recording:     ${audio}`, '',
      'Transcription:', transcriptionText(vm), '',
      `Listen in the inbox: ${inboxUrl}`,
    ].join('\n'),
  };
}

/** The voicemail SMS to the mailbox's number (as before the outbox: caller, length, the start of the transcription). */
export const voicemailSms = (vm: VoicemailRow) =>
  `New voicemail (${vm.mailbox}) from ${vm.caller ?? 'unknown'}, ${Math.round(vm.seconds ?? 0)}s${vm.transcription ? `: "${vm.transcription.slice(0, 300)}"` : ''}`;

/** The missed-call SMS to the owner. */
export const missedSms = (a: MissedCall, zone: string) =>
  `Missed call from ${a.caller ?? 'unknown'} to ${a.number} at ${localTime(a.endedAt, zone)}: ${describeMissed(a)}. Call back: ${a.callBack ?? '(no caller id)'} · ${a.consoleUrl}`;

/** The missed-call email. */
export function missedEmail(a: MissedCall, zone: string): { subject: string; text: string } {
  return {
    subject: `Missed call from ${a.caller ?? 'unknown caller'} to ${a.number}`,
    text: [
      `A call to ${a.number} was missed.`, '',
      `Caller:        ${a.caller ?? 'unknown'}`,
      `Number called: ${a.number}`,
      `Time:          ${localTime(a.startedAt, zone)}`,
      `Where:         ${describeMissed(a)}`, '',
      `Call back:     ${a.callBack ?? '(no caller id)'}`,
      `The call:      ${a.consoleUrl}`,
    ].join('\n'),
  };
}
