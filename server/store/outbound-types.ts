import type { Mode } from '../../engine/types.js';

/** How an outbound flow call asks Telnyx to tell a person from a machine (POST /api/calls `answeringMachineDetection`). */
export type AmdMode = 'disabled' | 'detect' | 'detect_beep' | 'detect_words' | 'greeting_end' | 'premium';

/** An outbound call that runs a flow, written before the dial (migration 020). */
export interface OutboundCallRow {
  token: string; companyId: string; flowId: string; version: number; mode: Mode;
  from: string; to: string; vars: Record<string, string>; amd: AmdMode;
  /** Telnyx's id for the call, once the dial answered or its first webhook arrived. */
  callId: string | null;
  createdAt: string;
}

/** The outbound flow calls' table (server/calls/outbound-flow.ts). */
export interface OutboundStore {
  addOutboundCall(row: Omit<OutboundCallRow, 'callId' | 'createdAt'>): Promise<void>;
  outboundCall(token: string): Promise<OutboundCallRow | undefined>;
  /** The outbound flow call Telnyx knows as `callId`; undefined for every other call (inbound ones included). */
  outboundByCallId(callId: string): Promise<OutboundCallRow | undefined>;
  /** Links the token to Telnyx's call id; first link wins (false when the token is linked to another call). */
  linkOutboundCall(token: string, callId: string): Promise<boolean>;
}
