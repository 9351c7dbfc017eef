/**
 * httpRequest: GET or POST a URL (templated headers and body), JSON fields into variables by path, and leave by
 * how it went: `ok` (2xx), `error` (any other status, a body that is not JSON when variables are read from it, an
 * address the server refuses, no connection), `timeout`. The engine only says what to send: the server runs the
 * request between steps (server/calls/http-runner.ts, through its SSRF-guarded client) and brings the result back
 * as `http.ended`. While it runs the caller hears the hold prompt, if any; then the flow waits at most for what is
 * left of the timeout.
 */
import { z } from 'zod';
import { defineNode, type Emit, type KindFinding, type NodeContext } from '../node-kind.js';
import { defineVerb, type TexmlVerb } from '../own-verbs.js';
import { isCcLanguage } from '../cc-command.js';
import type { Command } from '../cc-command.js';
import type { Prompt } from '../types.js';
import { DEFAULT_LANGUAGE, DEFAULT_VOICE, identifierSchema, promptSchema, secondsSchema, toPrompt } from './common.js';
import { cardLine, phrases, promptLine } from './words.js';
import { promptSeconds } from './cost.js';
import { HTTP_MAX_TIMEOUT, isVarPath, routeResult, scriptedResult, urlProblem, type HttpResult } from './http-result.js';

export type { HttpResult } from './http-result.js';

declare module '../types.js' {
  interface KindInstructions {
    /** A request for the server to run (filled in), and the prompt the caller hears meanwhile. */
    http: {
      method: 'GET' | 'POST'; url: string; headers: Record<string, string>; body?: string; timeoutSeconds: number; hold?: Prompt;
      /** The node reads variables from a 2xx answer's body: only then does the server keep (and record) the body. */
      readsBody?: true;
    };
  }
  interface KindEvents {
    /** The request's result, as the server got it (or the simulator scripted it). */
    'http.ended': { result: HttpResult };
  }
}

/** The instruction verb the server runs (server/calls/http-runner.ts reads it). */
export const HTTP_VERB = 'http';

/** What a transport's own callback means before the server puts the request's result in (it always does). */
const NO_RESULT: HttpResult = { error: 'the server did not run the request' };

/** The caller's line went away or the app stopped the prompt: not the hold prompt being heard out. */
const CUT_SHORT = new Set(['call_hangup', 'cancelled', 'cancelled_amd']);

/** An HTTP header name (RFC 9110 token). */
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'Use a header name like Authorization or X-Api-Key');
const noNewline = (what: string) => z.string().refine((v) => !/[\r\n]/.test(v), `${what} cannot have a line break`);

const schema = z.object({
  method: z.enum(['GET', 'POST'], { error: 'Use GET or POST' }).default('GET'),
  url: noNewline('The address').pipe(z.string().min(1, 'Give the address to request, e.g. https://api.example.com/orders/{{vars.order}}')),
  headers: z.record(headerName, noNewline('A header value')).default({}),
  body: z.string().max(4096, 'Keep the body under 4,096 characters').optional(),
  timeoutSeconds: secondsSchema(1, HTTP_MAX_TIMEOUT).default(3),
  /** Variable name → where its value is in the JSON answer (`data.account.balance`, `items[0].name`). */
  vars: z.record(identifierSchema, z.string()).default({}),
  hold: promptSchema.optional(),
});
type HttpData = z.output<typeof schema>;

const TOKEN = /\{\{[^}]*\}\}/g;

/**
 * The URL filled in. Values in the path, query and fragment are percent-encoded (an order number "A/17" stays one
 * path segment); templates in the scheme and host part (`{{vars.base}}/orders`, `https://{{vars.host}}/x`) are
 * filled as they are.
 */
export function fillUrl(url: string, fill: NodeContext['fill']): string {
  const start = /^(?:[^:/?#]*:\/\/)?[^/?#]*/.exec(url)?.[0].length ?? 0;
  let out = '';
  let at = 0;
  for (const m of url.matchAll(TOKEN)) {
    out += url.slice(at, m.index);
    out += m.index < start ? fill(m[0]) : encodeURIComponent(fill(m[0]));
    at = m.index + m[0].length;
  }
  return out + url.slice(at);
}

/** A JSON body filled in: each value escaped as JSON string content, so `"{{vars.note}}"` stays one string whatever the caller said. */
export function fillJson(body: string, fill: NodeContext['fill']): string {
  return body.replace(TOKEN, (m) => JSON.stringify(fill(m)).slice(1, -1));
}

function request(d: HttpData, ctx: NodeContext): Emit {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.headers)) headers[k] = ctx.fill(v);
  const i: Emit = { verb: 'http', method: d.method, url: fillUrl(d.url, ctx.fill), headers, timeoutSeconds: d.timeoutSeconds };
  if (d.method === 'POST' && d.body !== undefined) {
    const json = /^\s*[[{]/.test(d.body);
    i.body = json ? fillJson(d.body, ctx.fill) : ctx.fill(d.body);
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = json ? 'application/json' : 'text/plain; charset=utf-8';
  }
  if (d.hold) i.hold = toPrompt(d.hold, ctx.fill);
  if (Object.keys(d.vars).length) i.readsBody = true;
  return i;
}

/** The hold prompt as TeXML, then the Redirect whose callback the server answers once the result is in. */
function texml(i: Extract<Emit, { verb: 'http' }>, action: string): TexmlVerb[] {
  const out: TexmlVerb[] = [];
  if (i.hold?.verb === 'say') out.push({ tag: 'Say', attrs: { voice: i.hold.voice ?? DEFAULT_VOICE, language: i.hold.language ?? DEFAULT_LANGUAGE }, text: i.hold.text });
  else if (i.hold?.verb === 'play') out.push({ tag: 'Play', text: i.hold.url });
  out.push({ tag: 'Redirect', attrs: { method: 'POST' }, text: action });
  return out;
}

/**
 * The hold prompt as a Call Control command; its end (`call.speak.ended` / `call.playback.ended`, carrying this
 * verb in its client_state) is the webhook the server answers with the result. Without a hold prompt a short SSML
 * pause stands in for it, so that webhook comes all the same.
 */
function callControl(i: Extract<Emit, { verb: 'http' }>, ids: (part: number) => { client_state: string; command_id: string }): Command[] {
  const h = i.hold;
  if (h?.verb === 'play') return [{ action: 'playback_start', body: { ...ids(0), audio_url: h.url } }];
  const lang = h?.language ?? DEFAULT_LANGUAGE;
  const language = isCcLanguage(lang) ? lang : undefined;
  if (h?.verb === 'say') return [{ action: 'speak', body: { ...ids(0), payload: [...h.text].slice(0, 3000).join(''), voice: h.voice ?? DEFAULT_VOICE, language } }];
  return [{ action: 'speak', body: { ...ids(0), payload: '<speak><break time="200ms"/></speak>', payload_type: 'ssml', voice: DEFAULT_VOICE, language } }];
}

export const httpRequest = defineNode({
  type: 'httpRequest',
  label: 'HTTP request',
  description: 'Look something up on your own system (GET or POST a URL), keep JSON fields in variables, and go on by whether it worked.',
  schema,
  example: { method: 'GET', url: 'https://api.example.com/orders/{{vars.order}}', headers: {}, timeoutSeconds: 3, vars: { status: 'order.status' }, hold: { text: 'One moment while I look that up.' } },
  ports: () => ['ok', 'error', 'timeout'],
  reachablePorts: () => ['ok', 'error', 'timeout'],
  waits: () => true,
  enter: (d, ctx) => ({ emit: [request(d, ctx)] }),
  on: (d, ev) => {
    if (ev.type !== 'http.ended') return undefined;
    const r = routeResult(ev.result, d.vars);
    return r.vars ? { port: r.port, vars: r.vars } : { port: r.port };
  },
  events: ['http.ended'],
  instructions: {
    http: defineVerb('http', {
      effect: { texml: 'waits', 'call-control': 'waits' },
      texml,
      texmlEvent: () => ({ type: 'http.ended', result: NO_RESULT }),
      callControl,
      ccEvents: {
        'call.speak.ended': (p) => (CUT_SHORT.has(String(p.status)) ? undefined : { type: 'http.ended', result: NO_RESULT }),
        'call.playback.ended': (p) => (CUT_SHORT.has(String(p.status)) ? undefined : { type: 'http.ended', result: NO_RESULT }),
      },
      keys: false,
      describe: (i) => `asks ${i.method} ${i.url} (up to ${i.timeoutSeconds}s)${i.hold ? `, on hold: ${i.hold.verb === 'say' ? `“${i.hold.text}”` : `▶ ${i.hold.url}`}` : ''}`,
      // The script's responses for this node, in order (`http: {node: {status, body} | 'timeout' | [...]}`); none: 200 with `{}`.
      simulate: (i, _keys, script) => ({ type: 'http.ended', result: nextScripted(script?.http, i.node) }),
    }),
  },
  noun: 'web request',
  portPhrase: phrases({ ok: 'for when the request succeeds', error: 'for when the request fails', timeout: 'for when the answer takes too long' }),
  accent: 'slate',
  summary: (d) => [
    cardLine(`${d.method ?? 'GET'} ${typeof d.url === 'string' ? d.url : ''}`),
    d.vars && Object.keys(d.vars).length ? cardLine(`→ ${Object.keys(d.vars).map((v) => `vars.${v}`).join(', ')}`) : '',
    d.hold ? cardLine(`hold: ${promptLine(d.hold)}`) : '',
  ].filter(Boolean),
  sets: (d) => (d.vars && typeof d.vars === 'object' ? Object.keys(d.vars) : []),
  // The caller's time here: the hold prompt, or the whole timeout when the answer never comes.
  cost: (d, port) => ({ seconds: Math.max(promptSeconds(d.hold), port === 'timeout' ? d.timeoutSeconds : 0) }),
  lint: (d) => {
    const out: KindFinding[] = [];
    const bad = urlProblem(d.url);
    if (bad) out.push({ ...bad, severity: 'error', path: ['url'] });
    for (const [name, path] of Object.entries(d.vars)) {
      if (!isVarPath(path)) out.push({ code: 'httpRequest.path', severity: 'error', path: ['vars', name], message: `"${path}" is not a path into the JSON answer: write keys with dots, like data.account.balance or items[0].name.` });
    }
    if (d.method === 'GET' && d.body !== undefined && d.body !== '') {
      out.push({ code: 'httpRequest.get-body', severity: 'warning', path: ['body'], message: 'A GET request sends no body: choose POST, or move the values into the address.' });
    }
    return out;
  },
});

/**
 * The script's next response for `node` (simulate.ts gives each run its own copy of the lists): one response, or a
 * list taken in order, its last one repeated (a node visited again takes the next).
 */
function nextScripted(byNode: Record<string, unknown> | undefined, node: string): HttpResult {
  const s = byNode?.[node];
  if (s === undefined) return { status: 200, body: '{}' };
  if (!Array.isArray(s)) return scriptedResult(s);
  return scriptedResult(s.length > 1 ? s.shift() : s[0]);
}
