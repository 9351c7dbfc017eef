/**
 * Telnyx recording URLs expire after 10 minutes: the audio is downloaded
 * as soon as a recording is reported and kept in the store, served only to
 * its company. Recording (and transcription) minutes are charged here.
 */
import { randomUUID } from 'node:crypto';
import type { Ctx } from '../deps.js';
import type { RecordingRow } from '../store/business-types.js';
import { chargeSeconds } from '../billing/ledger.js';

/** The key every callback about one recording shares. */
export const recordingKey = (callId: string, url: string) => `${callId}|${url}`;

/** Our URL of a stored recording (company-scoped API route). */
export const recordingPath = (callId: string, id: string) => `/api/calls/${encodeURIComponent(callId)}/recordings/${id}`;

/**
 * Downloads and stores one recording (once per call and URL) and charges its minutes.
 * Returns undefined when the download failed (logged; the call goes on).
 */
export async function keepRecording(ctx: Ctx, companyId: string, callId: string, url: string, seconds: number | null): Promise<RecordingRow | undefined> {
  let audio: Buffer, type: string;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    audio = Buffer.from(await res.arrayBuffer());
    type = res.headers.get('content-type') ?? (url.endsWith('.wav') ? 'audio/wav' : 'audio/mpeg');
  } catch (err) {
    ctx.log.error({ err: (err as Error).message, callId, url }, 'recording download failed');
    return undefined;
  }
  const row = await ctx.store.saveRecording({ id: randomUUID(), companyId, callId, sourceUrl: url, contentType: type, seconds, audio, createdAt: ctx.now().toISOString() });
  await ctx.store.patchCallLog(callId, { recordingUrl: recordingPath(callId, row.id), ...(seconds ? { recordingSeconds: seconds } : {}) });
  if (seconds) await chargeSeconds(ctx, companyId, 'recording_minute', recordingKey(callId, url), seconds, callId, 60);
  return row;
}
