/**
 * Telnyx recording URLs expire after 10 minutes: the audio is downloaded
 * as soon as a recording is reported and kept in the store, served only to
 * its company. Only Telnyx's recording storage (and the sandbox's) is fetched
 * (recording-source.ts). Recording (and transcription) minutes are charged here.
 */
import { randomUUID } from 'node:crypto';
import type { Ctx } from '../deps.js';
import type { RecordingRow } from '../store/business-types.js';
import { chargeSeconds } from '../billing/ledger.js';
import { RefusedTarget } from '../net/guarded-request.js';
import { downloadRecording } from './recording-source.js';

/** The key every callback about one recording shares. */
export const recordingKey = (callId: string, url: string) => `${callId}|${url}`;

/** Our URL of a stored recording (company-scoped API route). */
export const recordingPath = (callId: string, id: string) => `/api/calls/${encodeURIComponent(callId)}/recordings/${id}`;

/** A recording kept, or why it could not be (the call log and the voicemail say so). */
export type KeptRecording = { row: RecordingRow; error?: undefined } | { row?: undefined; error: string };

/**
 * Downloads and stores one recording (once per call and URL) and charges its minutes.
 * A URL that is not Telnyx's recording storage (or the sandbox's) is refused without any request
 * (recording-source.ts); a refused or failed download is logged and marked on the call log
 * (`recordingError`), and the call goes on.
 */
export async function keepRecording(ctx: Ctx, companyId: string, callId: string, url: string, seconds: number | null): Promise<KeptRecording> {
  let audio: Buffer, type: string;
  try {
    const got = await downloadRecording(ctx, url);
    audio = got.audio;
    type = got.type ?? (url.endsWith('.wav') ? 'audio/wav' : 'audio/mpeg');
  } catch (err) {
    const refused = err instanceof RefusedTarget;
    const error = `recording unavailable: ${refused ? 'refused' : 'download failed'} (${(err as Error).message})`;
    ctx.log[refused ? 'warn' : 'error']({ err: (err as Error).message, callId, url }, refused ? 'recording URL refused' : 'recording download failed');
    // A call whose recording is kept already stays as it is (a second, bad URL does not undo it). Otherwise the
    // log says why there is none; the URL the webhook logged is dropped when refused: not a link to follow.
    const logged = (await ctx.store.callById(callId))?.recordingUrl;
    if (!logged?.startsWith(recordingPath(callId, ''))) {
      await ctx.store.patchCallLog(callId, { recordingError: error, ...(refused && logged === url ? { recordingUrl: null } : {}), ...(seconds ? { recordingSeconds: seconds } : {}) });
    }
    return { error };
  }
  const row = await ctx.store.saveRecording({ id: randomUUID(), companyId, callId, sourceUrl: url, contentType: type, seconds, audio, createdAt: ctx.now().toISOString() });
  await ctx.store.patchCallLog(callId, { recordingUrl: recordingPath(callId, row.id), recordingError: null, ...(seconds ? { recordingSeconds: seconds } : {}) });
  if (seconds) await chargeSeconds(ctx, companyId, 'recording_minute', recordingKey(callId, url), seconds, callId, 60);
  return { row };
}
