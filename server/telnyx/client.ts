import Telnyx from 'telnyx';

/** Settings for the official SDK client. */
export interface TelnyxClientOptions { apiKey: string; baseURL?: string; publicKey?: string; timeoutMs?: number }

/**
 * The official SDK client. Its own retries are off: the command executor
 * retries with the same `command_id` and logs each attempt.
 */
export function createTelnyxClient(o: TelnyxClientOptions): Telnyx {
  return new Telnyx({
    apiKey: o.apiKey,
    ...(o.baseURL ? { baseURL: o.baseURL } : {}),
    ...(o.publicKey ? { publicKey: o.publicKey } : {}),
    maxRetries: 0,
    timeout: o.timeoutMs ?? 10_000,
  });
}
