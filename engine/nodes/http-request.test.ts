import { describe, expect, it } from 'vitest';
import { fillUrl, httpRequest } from './http-request.js';
import { isVarPath, routeResult, scriptedResult, urlProblem, valueAt, type HttpResult } from './http-result.js';
import { flowOf, first, portsOf, runCall, verbsOf } from './test-kit.js';
import { renderTexml } from '../texml.js';
import { toCommands } from '../call-control.js';
import { simulate } from '../simulate.js';
import { lintFlow } from '../lint.js';
import type { EngineEvent, Env } from '../types.js';

const texml: Env = { now: '2026-11-23T15:00:00Z', mode: 'texml' };
const cc: Env = { ...texml, mode: 'call-control' };
const urls = { action: (i: { verb: string; node: string; seq: number }) => `https://cf.example/webhooks/texml/${i.verb}-${i.node}-${i.seq}`, recordingStatus: 's', status: 's', transcription: 't' };

/*
 *  ask(setVariable order=A/17) --next--> look(httpRequest) --ok--> said(say "{{vars.status}}")
 *                                                         --error--> sorry(say)
 *                                                         --timeout--> slow(say)
 */
function lookupFlow(data: Record<string, unknown> = {}) {
  return flowOf(
    [
      { id: 'ask', type: 'setVariable', data: { name: 'order', value: 'A/17' } },
      { id: 'look', type: 'httpRequest', data: { url: 'https://api.example.com/orders/{{vars.order}}?from={{caller.from}}', vars: { status: 'order.status', first: 'order.items[0].name' }, hold: { text: 'One moment.' }, ...data } },
      { id: 'said', type: 'say', data: { text: 'Status {{vars.status}}, {{vars.first}}.' } },
      { id: 'sorry', type: 'say', data: { text: 'Sorry.' } },
      { id: 'slow', type: 'say', data: { text: 'Too slow.' } },
    ],
    [['ask', 'next', 'look'], ['look', 'ok', 'said'], ['look', 'error', 'sorry'], ['look', 'timeout', 'slow']],
  );
}
const ended = (result: HttpResult): EngineEvent => ({ type: 'http.ended', result });

describe('httpRequest', () => {
  it('emits the request filled in (values in the URL percent-encoded) and waits for its result', () => {
    const [r] = runCall(lookupFlow({ headers: { Authorization: 'Bearer {{company.name}}' } }), { ...texml, company: { name: 'Acme' } }, []);
    expect(r!.instructions).toEqual([{
      verb: 'http', method: 'GET', url: 'https://api.example.com/orders/A%2F17?from=%2B13125550147', headers: { Authorization: 'Bearer Acme' },
      timeoutSeconds: 3, hold: { verb: 'say', text: 'One moment.' }, readsBody: true, node: 'look', seq: 1,
    }]);
    expect(r!.waiting).toBe(true);
    // Templates in the scheme and host are filled as they are (a base URL or host:port from a variable).
    const fill = (t: string) => t.replace('{{vars.api}}', '127.0.0.1:8080').replace('{{vars.base}}', 'https://a.example/v1').replace('{{vars.order}}', 'A/17');
    expect(fillUrl('http://{{vars.api}}/orders/{{vars.order}}', fill)).toBe('http://127.0.0.1:8080/orders/A%2F17');
    expect(fillUrl('{{vars.base}}/orders?id={{vars.order}}', fill)).toBe('https://a.example/v1/orders?id=A%2F17');
    expect(r!.snapshot.value).toBe('look');
  });

  it('a 2xx JSON answer fills the variables by path and leaves by ok; missing fields are empty', () => {
    const body = JSON.stringify({ order: { status: 'shipped', items: [{ name: 'Lamp' }] } });
    const rs = runCall(lookupFlow(), texml, [ended({ status: 200, body })]);
    expect(portsOf(rs[1]!)).toEqual(['look:ok', 'said:next']);
    expect(rs[1]!.snapshot.context.vars).toMatchObject({ status: 'shipped', first: 'Lamp' });
    expect(first(rs[1]!, 'say').text).toBe('Status shipped, Lamp.');
    const partial = runCall(lookupFlow(), texml, [ended({ status: 201, body: '{"order":{"status":7}}' })]);
    expect(partial[1]!.snapshot.context.vars).toMatchObject({ status: '7', first: '' });
  });

  it('leaves by error for another status, a body that is not JSON, or no answer; by timeout for none in time', () => {
    expect(portsOf(runCall(lookupFlow(), texml, [ended({ status: 404, body: '{}' })])[1]!)).toContain('look:error');
    expect(portsOf(runCall(lookupFlow(), texml, [ended({ status: 200, body: '<html>' })])[1]!)).toContain('look:error');
    expect(portsOf(runCall(lookupFlow(), texml, [ended({ error: 'refused: 10.0.0.1 is private' })])[1]!)).toContain('look:error');
    expect(portsOf(runCall(lookupFlow(), cc, [ended({ timeout: true })])[1]!)).toContain('look:timeout');
    // No variables asked for: any 2xx is ok, whatever the body.
    expect(portsOf(runCall(lookupFlow({ vars: {} }), texml, [ended({ status: 204, body: '' })])[1]!)).toContain('look:ok');
  });

  it('ignores events that are not its result (a key press while on hold)', () => {
    const rs = runCall(lookupFlow(), texml, [{ type: 'input.digits', digits: '1' }]);
    expect(rs[1]!.trace).toEqual([]);
    expect(rs[1]!.snapshot.value).toBe('look');
  });

  it('POST sends the filled body with a content type; GET sends none', () => {
    const [post] = runCall(lookupFlow({ method: 'POST', body: '{"order":"{{vars.order}}"}' }), texml, []);
    expect(first(post!, 'http')).toMatchObject({ method: 'POST', body: '{"order":"A/17"}', headers: { 'content-type': 'application/json' } });
    // A JSON body gets its values escaped as JSON: a quote in a value cannot end the string or add a field.
    const evil = 'Acme", "admin": true, "x": "\\';
    const [quoted] = runCall(flowOf([{ id: 'look', type: 'httpRequest', data: { method: 'POST', url: 'https://a.example', body: '{"who":"{{company.name}}","n":1}' } }], []), { ...texml, company: { name: evil } }, []);
    expect(JSON.parse(first(quoted!, 'http').body!)).toEqual({ who: evil, n: 1 });
    const [get] = runCall(lookupFlow({ body: 'x' }), texml, []);
    expect(first(get!, 'http').body).toBeUndefined();
  });

  it('TeXML: the hold prompt, then a POST Redirect to its own action URL', () => {
    const [r] = runCall(lookupFlow(), texml, []);
    const xml = renderTexml(r!.instructions, urls);
    expect(xml).toContain('<Say voice="AWS.Polly.Joanna-Neural" language="en-US">One moment.</Say><Redirect method="POST">https://cf.example/webhooks/texml/http-look-1</Redirect>');
    const [quiet] = runCall(lookupFlow({ hold: undefined }), texml, []);
    expect(renderTexml(quiet!.instructions, urls)).toMatch(/<Response><Redirect method="POST">[^<]+http-look-1<\/Redirect><\/Response>/);
  });

  it('Call Control: speaks or plays the hold prompt; without one, a short SSML pause whose end brings the result', () => {
    const ids = { callId: 'c1', flowId: 'f' };
    const [r] = runCall(lookupFlow(), cc, []);
    expect(toCommands(r!.instructions, ids)).toMatchObject([{ action: 'speak', body: { payload: 'One moment.' } }]);
    const [music] = runCall(lookupFlow({ hold: { url: 'https://cdn.example/hold.mp3' } }), cc, []);
    expect(toCommands(music!.instructions, ids)[0]).toMatchObject({ action: 'playback_start', body: { audio_url: 'https://cdn.example/hold.mp3' } });
    const [quiet] = runCall(lookupFlow({ hold: undefined }), cc, []);
    expect(toCommands(quiet!.instructions, ids)[0]).toMatchObject({ action: 'speak', body: { payload_type: 'ssml' } });
    const spec = httpRequest.instructions!.http!;
    expect(spec.ccEvents['call.speak.ended']!({ status: 'completed' })).toMatchObject({ type: 'http.ended' });
    expect(spec.ccEvents['call.speak.ended']!({ status: 'call_hangup' })).toBeUndefined();
  });

  it('the simulator takes scripted responses per node (a list in order), without using the caller\'s keys', () => {
    const flow = lookupFlow();
    const run = (http?: Record<string, unknown>) => simulate(flow, { at: texml.now, mode: 'texml', http, digits: ['9'] }).steps.flatMap(portsOf);
    expect(run({ look: { status: 200, body: { order: { status: 'packed' } } } })).toContain('look:ok');
    expect(run({ look: 'timeout' })).toContain('look:timeout');
    expect(run({ look: { status: 500, body: 'oops' } })).toContain('look:error');
    expect(run()).toContain('look:ok'); // none scripted: 200 with {}
    const script = { look: [{ status: 503 }, { status: 200, body: {} }] };
    expect(run(script)).toContain('look:error');
    expect(script.look).toHaveLength(2); // the caller's script is not used up
  });

  it('lint: a literal private or loopback address, a scheme that is not http(s), a path that is not one, a body on GET', () => {
    const codes = (data: Record<string, unknown>) => lintFlow(lookupFlow(data)).filter((f) => f.code.startsWith('httpRequest')).map((f) => `${f.code}:${f.severity}`);
    expect(codes({ url: 'http://127.0.0.1:8080/x' })).toEqual(['httpRequest.private:error']);
    expect(codes({ url: 'http://169.254.169.254/latest/meta-data' })).toEqual(['httpRequest.private:error']);
    expect(codes({ url: 'https://[::1]/x' })).toEqual(['httpRequest.private:error']);
    expect(codes({ url: 'http://localhost/x' })).toEqual(['httpRequest.private:error']);
    expect(codes({ url: 'ftp://files.example.com/x' })).toEqual(['httpRequest.scheme:error']);
    expect(codes({ url: 'api.example.com/x' })).toEqual(['httpRequest.scheme:error']);
    expect(codes({ url: 'http://{{vars.host}}/x' })).toEqual([]); // templated: checked on each call
    expect(codes({ url: '{{vars.url}}' })).toEqual([]);
    expect(codes({ vars: { status: 'order..status' } })).toEqual(['httpRequest.path:error']);
    expect(codes({ body: '{"a":1}' })).toEqual(['httpRequest.get-body:warning']);
    expect(codes({})).toEqual([]);
  });

  it('the schema refuses a timeout past the cap, a bad header name, a line break in a header, a bad variable name', () => {
    const bad = (data: Record<string, unknown>) => httpRequest.schema.safeParse({ url: 'https://a.example', ...data }).success;
    expect(bad({ timeoutSeconds: 11 })).toBe(false);
    expect(bad({ timeoutSeconds: 10 })).toBe(true);
    expect(bad({ headers: { 'Bad Name': 'x' } })).toBe(false);
    expect(bad({ headers: { 'X-A': 'a\r\nX-Evil: 1' } })).toBe(false);
    expect(bad({ vars: { 'not ok': 'a' } })).toBe(false);
    expect(bad({ url: '' })).toBe(false);
  });

  it('facts: cost is the hold prompt (or the timeout), sets the variables, waits in both modes', () => {
    const d = httpRequest.schema.parse({ url: 'https://a.example', vars: { a: 'x' }, hold: { text: 'One moment while I look that up.' }, timeoutSeconds: 5 });
    expect(httpRequest.cost(d, 'ok').seconds).toBe(3);
    expect(httpRequest.cost(d, 'timeout').seconds).toBe(5);
    expect(httpRequest.sets(d)).toEqual(['a']);
    expect(verbsOf(runCall(lookupFlow(), cc, [])[0]!)).toEqual(['http']);
  });
});

describe('http-result', () => {
  it('paths and values', () => {
    expect(['a', 'data.account.balance', 'items[0].name', 'items.0.name', 'a-b.c_d'].map(isVarPath)).toEqual([true, true, true, true, true]);
    expect(['', '.a', 'a.', 'a..b', 'a[x]', 'a b', '{{vars.x}}'].map(isVarPath)).toEqual(Array(7).fill(false));
    const j = { a: { b: [{ c: true }, null], n: 1.5, o: { x: 1 } } };
    expect(valueAt(j, 'a.b[0].c')).toBe('true');
    expect(valueAt(j, 'a.b.1')).toBe('');
    expect(valueAt(j, 'a.n')).toBe('1.5');
    expect(valueAt(j, 'a.o')).toBe('{"x":1}');
    expect(valueAt(j, 'a.constructor')).toBe('');
    expect(routeResult({ status: 299, body: '[]' }, { x: '0' })).toEqual({ port: 'ok', vars: { x: '' } });
    expect(routeResult({ status: 302, body: '' }, {})).toEqual({ port: 'error' });
  });

  it('scripted results and URL problems', () => {
    expect(scriptedResult({ status: 200, body: { a: 1 } })).toEqual({ status: 200, body: '{"a":1}' });
    expect(scriptedResult({ timeout: true })).toEqual({ timeout: true });
    expect(scriptedResult({ error: 'refused' })).toEqual({ error: 'refused' });
    expect(scriptedResult(42)).toMatchObject({ error: expect.any(String) });
    expect(urlProblem('https://93.184.216.34/x')).toBeUndefined();
    expect(urlProblem('https://user@10.1.2.3:8443/x')?.code).toBe('httpRequest.private');
    expect(urlProblem('HTTPS://api.example.com')).toBeUndefined();
  });
});
