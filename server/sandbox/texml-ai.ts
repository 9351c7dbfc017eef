/**
 * TeXML's AI verbs as Telnyx documents them (DOCS texml-verbs/aigather, aiassistant, connect):
 * - `<AIGather action method>` with `<Greeting>`, `<Voice name>` and the JSON Schema in a CDATA `<Parameters>`:
 *   the action callback carries `Status` (valid|invalid), `Base64Result` (base64 of `{"status","result"}`, as
 *   Telnyx's published example) and `Base64MessageHistory`; without `action` the document goes on.
 * - `<Connect action method><AIAssistant id/></Connect>`: when the conversation ends the action gets `Reason`;
 *   without `action` the document goes on. Other `<Connect>` nouns (Stream, ConversationRelay) are not played.
 */
import type { SimCall } from './sim-call.js';
import type { XmlNode } from './texml-parse.js';
import { ASSISTANT_REASON, ASSISTANT_SECONDS, base64Json, parametersProblem, playAiGather } from './ai.js';

type Fields = Record<string, string | number | undefined>;
type Next = { url: string; fields: Fields; method?: 'GET' | 'POST' };
const next = (url: string, method: string | undefined, fields: Fields): Next => ({ url, fields, method: method?.toUpperCase() === 'GET' ? 'GET' : 'POST' });

function parametersOf(v: XmlNode): { parsed?: unknown; problem?: string } {
  const p = v.children.find((c) => c.name === 'Parameters');
  if (!p) return { problem: '<AIGather> without <Parameters>' };
  if (p.cdata === undefined) return { problem: '<Parameters> must hold its JSON Schema in a CDATA section' };
  try {
    const parsed: unknown = JSON.parse(p.cdata);
    return { parsed, problem: parametersProblem(parsed) };
  } catch (e) {
    return { problem: `<Parameters> is not JSON (${(e as Error).message})` };
  }
}

/** One `<AIGather>`: the next document to fetch, undefined to go on with the next verb, 'gone' when the caller hung up. */
export async function aiGatherVerb(call: SimCall, v: XmlNode, base: Fields, abs: (u: string) => string): Promise<Next | 'gone' | undefined> {
  const greeting = v.children.find((c) => c.name === 'Greeting')?.text || undefined;
  const out = await playAiGather(call, greeting, parametersOf(v).problem);
  if (!out) { call.end({ by: 'caller', reason: 'caller hung up during the AI gather' }, { kind: 'hangup', text: 'caller hung up' }); return 'gone'; }
  if (!v.attrs.action) return undefined;
  return next(abs(v.attrs.action), v.attrs.method, {
    ...base, CallStatus: 'in-progress', Status: out.status,
    Base64Result: base64Json({ status: out.status, result: out.result }), Base64MessageHistory: base64Json(out.history),
  });
}

/** One `<Connect>`: an AI Assistant's conversation, then its action (with `Reason`) or the next verb. */
export async function connectVerb(call: SimCall, v: XmlNode, base: Fields, abs: (u: string) => string): Promise<Next | 'gone' | undefined> {
  const noun = v.children[0];
  if (!noun || noun.name !== 'AIAssistant' || v.children.length !== 1) { call.add('error', `<Connect> with ${noun ? `<${v.children.map((c) => c.name).join('>, <')}>` : 'nothing'}: the sandbox plays only one <AIAssistant>`); return undefined; }
  const id = noun.attrs.id ?? noun.attrs.join;
  if (!id) { call.add('error', '<AIAssistant> without an id (or join)'); return undefined; }
  call.add('connected', `AI assistant ${id}`, ASSISTANT_SECONDS);
  const end = call.nextAssistant();
  if (end === 'hangup') { call.end({ by: 'caller', reason: 'caller hung up on the AI assistant' }, { kind: 'hangup', text: 'caller hung up' }); return 'gone'; }
  call.add('silence', `AI assistant ${id} ended: ${ASSISTANT_REASON[end]}`);
  if (!v.attrs.action) return undefined;
  return next(abs(v.attrs.action), v.attrs.method, { ...base, CallStatus: 'in-progress', Reason: ASSISTANT_REASON[end] });
}
