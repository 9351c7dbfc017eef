import { step } from '../../engine/step.js';
import { renderTexml } from '../../engine/texml.js';
import { toCommands } from '../../engine/call-control.js';
import { graphOf, type GraphEdge, type GraphNode } from '../../engine/graph.js';
import { awaitedInstruction } from '../../engine/verbs.js';
import { isOwn, ownVerb } from '../../engine/own-verbs.js';
import type { Flow } from '../../engine/schema.js';
import type { AmdEnv, EngineEvent, Env, Instruction, Mode, RunMode, Snapshot, TraceEntry } from '../../engine/types.js';

/** One simulated exchange: what the caller (or Telnyx) did, and what the engine answered. */
export interface SimStep {
  event: EngineEvent;
  instructions: Instruction[];
  trace: TraceEntry[];
  /** The TeXML document or the Call Control commands, as text. */
  wire: string;
  /** The mode the step ran in (what waits depends on it). */
  mode: RunMode;
}

/** The simulator's whole state: kept in React state, advanced by the engine's pure step. */
export interface SimState { snapshot: Snapshot | null; steps: SimStep[]; cursors: Record<string, number>; waiting: boolean }

export const SIM_START: SimState = { snapshot: null, steps: [], cursors: {}, waiting: false };

/** TeXML needs action URLs; the simulator names them after the instruction so a reader can follow. */
const URLS = { action: (i: Instruction) => `https://example.invalid/webhooks/texml/${i.verb}-${i.node}-${i.seq}` };

/** What goes on the wire for these instructions in this mode. A renderer failure is shown, not thrown. */
export function wireOf(instructions: Instruction[], env: Env, flowId: string, callId: string): string {
  try {
    // A text conversation has no wire format of its own: the server sends its texts through the messaging API.
    if (env.mode === 'sms') return instructions.map(describeInstruction).join('\n');
    if (env.mode === 'texml') return renderTexml(instructions, URLS);
    return JSON.stringify(toCommands(instructions, { callId, flowId }), null, 2);
  } catch (e) {
    return `(could not render: ${(e as Error).message})`;
  }
}

/**
 * What answering machine detection has said when an outbound call starts: TeXML's is synchronous (the flow
 * starts knowing, a machine's greeting over), Call Control's answers later (`amd.ended`, then a machine's
 * `amd.greeting.ended`: the panel's buttons). Same rules as engine/simulate.ts.
 */
export function amdAtStart(mode: Mode, result: string): AmdEnv {
  if (mode === 'call-control') return { result: null, greeting: null, greetingReported: true };
  return { result, greeting: result.startsWith('machine') ? 'ended' : null, greetingReported: true };
}

/** Advances the simulated call by one event. Pure. */
export function simulate(flow: Flow, s: SimState, event: EngineEvent, env: Env): SimState {
  const r = step(flow, s.snapshot, event, { ...env, cursors: s.cursors });
  const callId = r.snapshot.context.call.id || 'sim-call';
  return {
    snapshot: r.snapshot,
    cursors: r.cursors,
    waiting: r.waiting,
    steps: [...s.steps, { event, instructions: r.instructions, trace: r.trace, wire: wireOf(r.instructions, env, flow.id, callId), mode: env.mode }],
  };
}

/**
 * Nodes entered and edges taken so far, for highlighting the path on the canvas. The edge taken for a
 * port is the engine's (engine/graph.ts): the port's first edge, or its fallback's (holiday → closed).
 */
export function pathOf(steps: SimStep[], flow: { nodes: readonly GraphNode[]; edges: ReadonlyArray<GraphEdge & { id: string }> }): { nodes: string[]; edges: string[] } {
  const wiring = graphOf(flow);
  const nodes: string[] = [];
  const taken: string[] = [];
  for (const s of steps) for (const t of s.trace) {
    if (t.kind === 'enter') nodes.push(t.node);
    if (t.kind === 'port') { const e = wiring.taken(t.node, t.port); if (e) taken.push(e.id); }
  }
  return { nodes: [...new Set(nodes)], edges: [...new Set(taken)] };
}

/** How the event reads in the transcript. */
export function describeEvent(e: EngineEvent): string {
  switch (e.type) {
    case 'call.started': return e.direction === 'outbound' ? `Calling ${e.to} from ${e.from}` : `Call from ${e.from} to ${e.to}`;
    case 'amd.ended': return `Machine detection: ${e.result}`;
    case 'amd.greeting.ended': return `The machine's greeting ended${e.result ? ` (${e.result})` : ''}`;
    case 'input.digits': return `Caller pressed ${e.digits}`;
    case 'input.speech': return `Caller said “${e.text}”`;
    case 'input.timeout': return 'Caller stayed silent';
    case 'prompt.ended': return 'Prompt finished';
    case 'dial.ended': return `Dial ended: ${e.status}`;
    case 'recording.saved': return `Caller left a ${e.seconds}s message`;
    case 'recording.empty': return 'Caller left no message';
    case 'call.ended': return 'Caller hung up';
    case 'ai.gathered': return e.status === 'valid' ? `The AI collected ${Object.entries(e.result ?? {}).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ') || 'nothing'}` : 'The AI could not collect the details';
    case 'assistant.ended': return `The assistant finished${e.reason ? ` (${e.reason})` : ''}`;
    case 'message.received': return `Texter sent “${e.text}”${e.media?.length ? ` with ${e.media.length} attachment(s)` : ''}`;
    default: return 'result' in e && e.result && typeof e.result === 'object' ? `${e.type}: ${JSON.stringify(e.result)}` : e.type;
  }
}

/** How an instruction reads in the transcript. */
export function describeInstruction(i: Instruction): string {
  // A kind's own instruction (engine/own-verbs.ts): named by its verb; the core ones read as below.
  if (isOwn(i)) return ownVerb((i as { verb: string }).verb)?.describe?.(i) ?? `${(i as { verb: string }).verb}s`;
  switch (i.verb) {
    case 'say': return `says “${i.text}”`;
    case 'play': return `plays ${i.url}`;
    case 'gather': return `waits for ${i.input === 'dtmf' ? 'keys' : 'keys or speech'}${i.numDigits ? ` (${i.numDigits} digit${i.numDigits > 1 ? 's' : ''})` : ''}: ${i.prompts.map((p) => (p.verb === 'say' ? `“${p.text}”` : `▶ ${p.url}`)).join(' ')}`;
    case 'dial': return `rings ${i.targets.join(i.ring === 'simultaneous' ? ' + ' : ' then ')} for ${i.timeoutSeconds}s`;
    case 'record': return `records a message (up to ${i.maxSeconds}s)`;
    case 'sms': return `texts ${i.to}: “${i.text}”`;
    case 'voicemail.save': return `keeps the ${i.seconds}s message${i.mailbox ? ` in ${i.mailbox}` : ''}`;
    case 'member.release': return `frees ${i.member ?? i.to ?? 'the person reached'} for the next call`;
    case 'reply.await': return `waits up to ${i.minutes} min for a reply`;
    case 'queue.update': return i.state === 'waiting' ? 'joins the queue' : i.state === 'callback' ? `keeps the place for a call back to ${i.callbackTo ?? 'the caller'}` : `leaves the queue (${i.state}${i.agent ? `, ${i.agent}` : ''})`;
    case 'hangup': return `hangs up${i.reason ? ` (${i.reason})` : ''}`;
    case 'redirect': return `redirects to ${i.url}`;
    case 'pause': return `pauses ${i.seconds}s`;
  }
}

/** What the engine waits for after the last step (engine/verbs.ts, in the step's mode), so the panel offers the right buttons. */
export function waitingFor(s: SimState): Instruction['verb'] | undefined {
  const last = s.steps.at(-1);
  if (!s.waiting || !last) return undefined;
  // A text conversation waits where a waitForReply said so (reply.await); a call on its transport's waiting verb.
  if (last.mode === 'sms') return last.instructions.find((i) => i.verb === 'reply.await')?.verb;
  return awaitedInstruction(last.instructions, last.mode)?.verb;
}

/**
 * The answers a person can give while the call waits on a kind's own instruction (its spec's `choices`: an AI
 * gather's "Caller answered" / "Caller gave up", an assistant's "done" / "failed"), one button each; [] otherwise.
 */
export function ownChoices(s: SimState): { label: string; event: EngineEvent }[] {
  const last = s.steps.at(-1);
  if (!s.waiting || !last || last.mode === 'sms') return [];
  const i = awaitedInstruction(last.instructions, last.mode);
  if (!i || !isOwn(i)) return [];
  try { return ownVerb((i as { verb: string }).verb)?.choices?.(i) ?? []; } catch { return []; }
}
