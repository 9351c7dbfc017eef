import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACCENTS, type NodeKind } from '../node-kind.js';
import { step } from '../step.js';
import type { EngineEvent, Mode, Snapshot } from '../types.js';
import { DATA, flowArb } from '../property-kit.js';
import { NODE_KINDS, NODE_TYPES, kindOf } from './index.js';
import { exitPhrase } from './words.js';

/** Every kind's facts (engine/node-kind.ts): present, and sensible, for every kind in the registry. */
const kinds: Array<[string, NodeKind]> = NODE_TYPES.map((t) => [t, NODE_KINDS[t] as NodeKind]);
const fieldsOf = (k: NodeKind) => Object.keys((k.schema as unknown as { shape?: Record<string, unknown> }).shape ?? {});

describe.each(kinds)('the %s kind states its facts', (type, kind) => {
  const data = kind.example;
  const ports = kind.ports(data);

  it('has a noun for sentences: lower-case words, not shared with another kind', () => {
    expect(kind.noun).toMatch(/^[a-z][a-z -]*[a-z]$/);
    expect(kinds.filter(([, k]) => k.noun === kind.noun).map(([t]) => t)).toEqual([type]);
  });

  it('has a phrase for every port, and its own words for each port a caller reaches', () => {
    for (const p of ports) expect(kind.portPhrase(p), p).toMatch(/^for \S.*\S$/);
    for (const p of kind.reachablePorts?.(data) ?? []) expect(kind.portPhrase(p), p).not.toBe(exitPhrase(p));
  });

  it('has an accent the stylesheet knows', () => {
    expect(ACCENTS).toContain(kind.accent);
  });

  it('summarises its example in one to three short, non-empty lines, and survives data mid-edit', () => {
    const lines = kind.summary(data);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(3);
    for (const l of lines) { expect(l.trim()).not.toBe(''); expect(l.length).toBeLessThanOrEqual(70); }
    expect(() => kind.summary({})).not.toThrow();
    fc.assert(fc.property(DATA[type as keyof typeof DATA], (d) => kind.summary(d as never).every((l) => typeof l === 'string' && l.length <= 70)), { numRuns: 30, seed: 1 });
  });

  it('names the variables it sets as identifiers, and survives data mid-edit', () => {
    for (const v of kind.sets(data)) expect(v).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    expect(() => kind.sets({})).not.toThrow();
  });

  it('estimates a finite, non-negative use for every port', () => {
    for (const p of ports.length ? ports : ['']) {
      const c = kind.cost(data, p);
      for (const k of ['seconds', 'outboundSeconds', 'recordedSeconds', 'transcribedSeconds'] as const) {
        if (c[k] !== undefined) { expect(Number.isFinite(c[k]), `${p} ${k}`).toBe(true); expect(c[k]).toBeGreaterThanOrEqual(0); }
      }
      for (const t of c.texts ?? []) expect(typeof t).toBe('string');
    }
  });

  it('gives widgets only to fields its schema has', () => {
    for (const f of Object.keys(kind.widgets ?? {})) expect(fieldsOf(kind), f).toContain(f);
  });
});

/** Any event a caller or Telnyx could send (the property test's, smaller). */
const eventArb: fc.Arbitrary<EngineEvent> = fc.oneof(
  fc.record({ type: fc.constant('input.digits' as const), digits: fc.stringMatching(/^[0-9#]{1,6}$/) }),
  fc.constant({ type: 'input.timeout' as const }),
  fc.constant({ type: 'prompt.ended' as const }),
  fc.record({ type: fc.constant('dial.ended' as const), status: fc.constantFrom('connected' as const, 'no-answer' as const, 'busy' as const, 'failed' as const) }),
  fc.record({ type: fc.constant('recording.saved' as const), url: fc.constant('https://r.example/1.mp3'), seconds: fc.nat(60) }),
);

describe('sets', () => {
  it('lists every variable a call through the flow can end up with (the builder offers them as hints)', () => {
    fc.assert(fc.property(flowArb, fc.constantFrom<Mode>('texml', 'call-control'), fc.array(eventArb, { maxLength: 12 }), (flow, mode, events) => {
      const declared = new Set(flow.nodes.flatMap((n) => kindOf(n.type)!.sets(n.data as never)));
      const env = { now: '2026-11-23T10:00:00-06:00', mode };
      let r = step(flow, null, { type: 'call.started', from: '+13125550100', to: '+13125550199', callId: 'c', direction: 'inbound' }, env);
      let snap: Snapshot = r.snapshot;
      for (const e of events) {
        if (!r.waiting) break;
        r = step(flow, snap, e, { ...env, cursors: r.cursors });
        snap = r.snapshot;
      }
      for (const v of Object.keys(snap.context.vars)) expect(declared, v).toContain(v);
    }), { numRuns: 300, seed: 7 });
  });
});
