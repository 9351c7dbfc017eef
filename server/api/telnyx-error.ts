import { APIError } from 'telnyx';
import { AppError } from '../errors.js';

/**
 * Maps a failed SDK call to our error shape: Telnyx refusing the input (4xx)
 * is the caller's problem (400, with Telnyx's field as the path); anything
 * else is Telnyx failing (502).
 */
export function telnyxError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof APIError && typeof err.status === 'number' && err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 429) {
    const first = (err.error as { errors?: { detail?: string; source?: { pointer?: string } }[] } | undefined)?.errors?.[0];
    const path = first?.source?.pointer?.split('/').filter(Boolean);
    return new AppError('bad_request', `${what}: Telnyx refused it: ${first?.detail ?? err.message}`, path, { telnyxStatus: err.status });
  }
  return new AppError('telnyx', `${what}: Telnyx failed: ${err instanceof Error ? err.message : String(err)}`);
}
