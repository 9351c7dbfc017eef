// STUB — replaced by the engine-output work. Signatures are the contract.
import type { Instruction } from './types.js';

/** URLs the TeXML document points back to. */
export interface TexmlUrls {
  /** Action URL of a waiting verb (gather, dial, record); the server routes it to the call's session. */
  action(instruction: Extract<Instruction, { verb: 'gather' | 'dial' | 'record' }>): string;
  /** Recording status callback (Record, Dial record). */
  recordingStatus?: string;
  /** Transcription callback for Record with transcription. */
  transcription?: string;
}

/** One `<Response>` document for the instructions of one step. `sms` is skipped (the server sends it). */
export function renderTexml(_instructions: Instruction[], _urls: TexmlUrls): string {
  throw new Error('renderTexml: not built yet');
}

/** A well-formed document that apologises and hangs up: what a caller hears when anything fails. */
export function renderApology(_text?: string): string {
  throw new Error('renderApology: not built yet');
}
