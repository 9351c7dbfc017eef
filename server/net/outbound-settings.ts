/**
 * The settings of the server's own outbound requests, from createApp's
 * options or else the environment: which private ranges webhooks (and
 * recording downloads) may reach on purpose, where recordings come from,
 * and how large and slow a download may be.
 */
import { parseCidrList, type Cidr } from './address-policy.js';
import { parseRecordingHosts, type RecordingSource } from '../calls/recording-source.js';

export interface OutboundOptions {
  /** CIDRs allowed although private (env CALLFLOW_ALLOW_PRIVATE_WEBHOOKS), e.g. `['10.0.0.0/8', '127.0.0.1/32']`. Default none. */
  allowPrivate?: string | readonly string[];
  /** `host[:port][/path-prefix]` places recordings are fetched from (env CALLFLOW_RECORDING_HOSTS). Default Telnyx's. */
  recordingHosts?: string | readonly string[];
  /** Largest recording kept (bytes; env CALLFLOW_RECORDING_MAX_MB × 2^20). Default 64 MiB. */
  recordingMaxBytes?: number;
  /** Longest a recording download may take, redirects included (ms). Default 60000. */
  recordingTimeoutMs?: number;
}

/** The resolved policy, on Ctx. */
export interface OutboundPolicy {
  allowPrivate: Cidr[];
  recordingSources: RecordingSource[];
  /** The sandbox is mounted: its own `/sandbox/recordings/` are fetched too. */
  sandbox: boolean;
  recordingLimits: { maxBytes: number; timeoutMs: number };
}

/** Options first, then env; throws with the setting's name on a value that does not parse. */
export function outboundPolicy(o: OutboundOptions = {}, env: NodeJS.ProcessEnv, sandbox: boolean): OutboundPolicy {
  const mb = env.CALLFLOW_RECORDING_MAX_MB === undefined ? undefined : Number(env.CALLFLOW_RECORDING_MAX_MB);
  if (mb !== undefined && !(mb > 0)) throw new Error(`CALLFLOW_RECORDING_MAX_MB: "${env.CALLFLOW_RECORDING_MAX_MB}" is not a positive number`);
  return {
    allowPrivate: parseCidrList(o.allowPrivate ?? env.CALLFLOW_ALLOW_PRIVATE_WEBHOOKS),
    recordingSources: parseRecordingHosts(o.recordingHosts ?? env.CALLFLOW_RECORDING_HOSTS),
    sandbox,
    recordingLimits: { maxBytes: o.recordingMaxBytes ?? (mb ? Math.round(mb * 2 ** 20) : 64 * 2 ** 20), timeoutMs: o.recordingTimeoutMs ?? 60_000 },
  };
}
