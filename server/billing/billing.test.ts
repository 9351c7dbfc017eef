import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../engine/schema.js';
import { billedSeconds, DEFAULT_RATES, dollars, effectiveRates, perMinute } from './rates.js';
import { estimatePaths } from './estimate.js';
import { buildStatement, csvCell, statementCsv } from './statement.js';

describe('rates', () => {
  it('bills whole increments, an answered second is a full increment', () => {
    expect(billedSeconds(0, 6)).toBe(0);
    expect(billedSeconds(1, 6)).toBe(6);
    expect(billedSeconds(61, 6)).toBe(66);
    expect(billedSeconds(61, 60)).toBe(120);
  });
  it('keeps money in integer micro-dollars, rounding up', () => {
    expect(perMinute(10_000, 66)).toBe(11_000);
    expect(perMinute(3_500, 7)).toBe(409); // 408.33 → 409
    expect(dollars(11_000)).toBe('0.011000');
    expect(dollars(1_234_567)).toBe('1.234567');
  });
  it('overrides only known kinds with integers', () => {
    const r = effectiveRates({ sms_out_segment: 1, bogus: 5, call_in_minute: 1.5 });
    expect(r.sms_out_segment).toBe(1);
    expect(r.call_in_minute).toBe(DEFAULT_RATES.call_in_minute);
    expect('bogus' in r).toBe(false);
  });
});

describe('estimatePaths', () => {
  /*  a(say) → loop(menu) ─1→ a   (cycle: ends the path)
   *                      └2→ t(transfer) ─connected→ end(hangup)
   */
  const flow = parseFlow({
    format: 'callflow/1', id: 'f', name: 'f', timezone: 'UTC', start: 'a',
    nodes: [
      { id: 'a', type: 'say', position: { x: 0, y: 0 }, data: { text: 'one two three four five' } },
      { id: 'loop', type: 'menu', position: { x: 0, y: 0 }, data: { prompt: { text: 'Press 1 or 2' }, options: { 1: 'Again', 2: 'Agent' } } },
      { id: 't', type: 'transfer', position: { x: 0, y: 0 }, data: { to: '+13125550111' } },
      { id: 'end', type: 'hangup', position: { x: 0, y: 0 }, data: {} },
    ],
    edges: [
      { id: 'e1', source: 'a', sourceHandle: 'next', target: 'loop' },
      { id: 'e2', source: 'loop', sourceHandle: '1', target: 'a' },
      { id: 'e3', source: 'loop', sourceHandle: '2', target: 't' },
      { id: 'e4', source: 't', sourceHandle: 'connected', target: 'end' },
    ],
  });
  it('lists each path once, stops at cycles and prices the outbound leg', () => {
    const paths = estimatePaths(flow, effectiveRates({}), 6);
    expect(paths.map((p) => p.nodes.join('>'))).toEqual(['a>loop>t>end']);
    const [p] = paths;
    expect(p!.outboundSeconds).toBe(180);
    expect(p!.breakdown.call_out_minute).toBe(30_000);
    expect(p!.micros).toBe(p!.breakdown.call_in_minute! + 30_000);
  });

  it('follows only the edges the engine follows: the first edge of a port, never a port the kind lacks', () => {
    /*  a(say) ─next→  b(say) ─next→ end(hangup)
     *         ─next→  t(transfer)     second edge on next: the engine never takes it
     *         ─bogus→ t               say has no "bogus" port
     */
    const odd = parseFlow({
      format: 'callflow/1', id: 'f', name: 'f', timezone: 'UTC', start: 'a',
      nodes: [
        { id: 'a', type: 'say', position: { x: 0, y: 0 }, data: { text: 'hello' } },
        { id: 'b', type: 'say', position: { x: 0, y: 0 }, data: { text: 'bye now' } },
        { id: 't', type: 'transfer', position: { x: 0, y: 0 }, data: { to: '+13125550111' } },
        { id: 'end', type: 'hangup', position: { x: 0, y: 0 }, data: {} },
      ],
      edges: [
        { id: 'e1', source: 'a', sourceHandle: 'next', target: 'b' },
        { id: 'e2', source: 'a', sourceHandle: 'next', target: 't' },
        { id: 'e3', source: 'a', sourceHandle: 'bogus', target: 't' },
        { id: 'e4', source: 'b', sourceHandle: 'next', target: 'end' },
      ],
    });
    expect(estimatePaths(odd, effectiveRates({}), 6).map((p) => `${p.nodes.join('>')} via ${p.ports.join(',')}`)).toEqual(['a>b>end via next,next']);
  });

  it('prices a screened transfer\'s whisper on the outbound leg (flows/sales-screened.json)', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = JSON.parse(readFileSync(new URL('../../flows/sales-screened.json', import.meta.url), 'utf8'));
    const plain = { ...doc, nodes: doc.nodes.map((n: { data: Record<string, unknown> }) => ({ ...n, data: { ...n.data, screen: undefined } })) };
    const out = (d: unknown) => Object.fromEntries(estimatePaths(parseFlow(d), effectiveRates({}), 6).map((p) => [p.ports.join(','), p.outboundSeconds]));
    const screened = out(doc), unscreened = out(plain);
    // Connected at the team: the whisper (10 words at 2.5 a second → 4 s) and 2 s to press the key, on top of the talk.
    expect(screened['next,connected,next']).toBe(unscreened['next,connected,next']! + 4 + 2);
    // Nobody accepted, then the manager: the team's whisper waited out (4 + 5 s), the manager's (12 words → 5 s) and its key (2 s).
    expect(screened['next,noAnswer,connected']).toBe(unscreened['next,noAnswer,connected']! + 4 + 5 + 5 + 2);
  });
});

describe('statement', () => {
  it('groups by kind and escapes CSV cells', () => {
    const e = (id: number, kind: string, micros: number, detail: string | null) => ({ id, companyId: 'c', ref: `r${id}`, kind, quantity: 1, unit: 'segment', micros, month: '2026-11', at: '2026-11-01T00:00:00Z', detail });
    const st = buildStatement({ id: 'c', name: 'Acme, "Inc"' }, '2026-11', [e(1, 'sms_out_segment', 4000, 'a → b'), e(2, 'sms_out_segment', 4000, null)], 5000);
    expect(st.lines).toEqual([{ kind: 'sms_out_segment', unit: 'segment', quantity: 2, count: 2, micros: 8000 }]);
    const csv = statementCsv(st).split('\r\n');
    expect(csv.at(-2)).toBe(',total,,,,"Acme, ""Inc"" 2026-11",8000,0.008000');
  });

  it('neutralises cells a spreadsheet would run as a formula; numbers stay numbers', () => {
    for (const bad of ['=HYPERLINK("http://evil.example","x")', '+1+cmd|"/c calc"!A0', '-2+3', '@SUM(A1:A2)', '\t=1+1', '\r=1+1']) {
      expect(csvCell(bad).replace(/^"/, '').startsWith("'")).toBe(true);
    }
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('=A1,B1')).toBe('"\'=A1,B1"');
    expect(csvCell('-0.004000')).toBe('-0.004000');
    expect(csvCell('+13125550100')).toBe('+13125550100');
    expect(csvCell(-4000)).toBe('-4000');
    expect(csvCell('a = b')).toBe('a = b');
    // In the statement: a company named like a formula, and a detail that is one.
    const e = { id: 1, companyId: 'c', ref: 'r1', kind: 'sms_out_segment', quantity: 1, unit: 'segment', micros: 4000, month: '2026-11', at: '2026-11-01T00:00:00Z', detail: '@cmd' };
    const csv = statementCsv(buildStatement({ id: 'c', name: '=cmd|" /C calc"!A0' }, '2026-11', [e], null)).split('\r\n');
    expect(csv[1]).toBe("2026-11-01T00:00:00Z,sms_out_segment,1,segment,r1,'@cmd,4000,0.004000");
    expect(csv.at(-2)).toBe(',total,,,,"\'=cmd|"" /C calc""!A0 2026-11",4000,0.004000');
  });
});
