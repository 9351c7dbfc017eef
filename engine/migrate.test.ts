import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { parseFlow } from './schema.js';
import { lintFlow } from './lint.js';
import { kindsHeader, migrateFlow } from './migrate.js';
import { NODE_KINDS, NODE_TYPES } from './nodes/index.js';
import { DEFAULT_LANGUAGE, DEFAULT_VOICE } from './nodes/common.js';
import { renderTexml } from './texml.js';
import { step } from './step.js';
import type { Env } from './types.js';

// A later tightening of `say`, registered for this file only: version 2 requires voice and language (kind-version-kit.ts).
vi.mock('./nodes/say.js', async (importOriginal) => {
  const { say } = await importOriginal<typeof import('./nodes/say.js')>();
  const { sayV2 } = await import('./kind-version-kit.js');
  return { say: sayV2(say) };
});

/** A flow as it was saved while `say` was at version 1: no `kinds` header, a say step with no voice. */
function savedAtV1(): Record<string, unknown> {
  return {
    format: 'callflow/1', id: 'old', name: 'Old', timezone: 'UTC', start: 'hello',
    nodes: [
      { id: 'hello', type: 'say', position: { x: 0, y: 0 }, data: { text: 'Hello.' } },
      { id: 'bye', type: 'hangup', position: { x: 0, y: 100 }, data: {} },
    ],
    edges: [{ id: 'hello-next', source: 'hello', sourceHandle: 'next', target: 'bye' }],
  };
}

const env: Env = { now: '2026-12-04T15:00:00Z', mode: 'texml', cursors: {}, team: {}, company: { name: 'Acme', id: 'c1' } };
/** What parseFlow refuses `input` for: path and message of each issue. */
function issuesOf(input: unknown): { path: PropertyKey[]; message: string }[] {
  try { parseFlow(input); } catch (e) {
    if (e instanceof z.ZodError) return e.issues.map((i) => ({ path: i.path, message: i.message }));
    throw e;
  }
  return [];
}

describe('kind data versions: a flow saved before a kind was tightened', () => {
  it('is read at the current version: migrated in memory, the input left as it was', () => {
    const doc = savedAtV1();
    const before = structuredClone(doc);
    const flow = parseFlow(doc);
    expect(flow.kinds).toEqual({ say: 2 });
    expect(flow.nodes[0]!.data).toEqual({ text: 'Hello.', voice: DEFAULT_VOICE, language: DEFAULT_LANGUAGE, loop: 1 });
    expect(doc).toEqual(before);
    // It says what it said at version 1 (the renderer's default voice, now written in by the migration).
    const r = step(flow, null, { type: 'call.started', from: '+13125550147', to: '+18445550199', callId: 'c', direction: 'inbound' }, env);
    expect(renderTexml(r.instructions, { action: () => 'a', recordingStatus: 's', transcription: 't' }))
      .toContain(`<Say voice="${DEFAULT_VOICE}" language="${DEFAULT_LANGUAGE}">Hello.</Say>`);
  });

  it('lints clean: the migrated step draws no finding', () => {
    expect(lintFlow(savedAtV1())).toEqual([]);
  });

  it('a flow saved at the current version must carry what version 2 requires, with the path', () => {
    const doc = { ...savedAtV1(), kinds: { say: 2 } };
    expect(issuesOf(doc)).toEqual([
      { path: ['nodes', 0, 'data', 'voice'], message: 'Choose a voice' },
      { path: ['nodes', 0, 'data', 'language'], message: 'Choose a language' },
    ]);
    expect(lintFlow(doc).map((f) => [f.code, f.node, f.message])).toEqual([
      ['schema', 'hello', 'In step "hello", "voice": Choose a voice.'],
      ['schema', 'hello', 'In step "hello", "language": Choose a language.'],
    ]);
  });

  it('a version newer than this engine knows is refused at the `kinds` path, saying to update', () => {
    const doc = { ...savedAtV1(), kinds: { say: 3 } };
    const issues = issuesOf(doc);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toEqual(['kinds', 'say']);
    expect(issues[0]!.message).toMatch(/version 3, newer than this Callflow knows \(up to 2\): update Callflow/);
    expect(lintFlow(doc)).toEqual([expect.objectContaining({ code: 'kind-version', severity: 'error', path: ['kinds', 'say'] })]);
  });

  it.each([[0], [1.5], ['2'], [null]])('a version that is not a whole number from 1 (%j) is refused at its path', (v) => {
    const issues = issuesOf({ ...savedAtV1(), kinds: { say: v } });
    expect(issues).toEqual([{ path: ['kinds', 'say'], message: 'Give the version of the "say" data as a whole number from 1 to 2' }]);
  });

  it('a `kinds` header that is not an object is refused', () => {
    expect(issuesOf({ ...savedAtV1(), kinds: [2] })[0]!.path).toEqual(['kinds']);
  });

  it('a migration that throws is refused at the step, naming the upgrade and why', () => {
    const doc = savedAtV1();
    (doc.nodes as { data: Record<string, unknown> }[])[0]!.data.voice = 7;
    const issues = issuesOf(doc);
    expect(issues).toEqual([{ path: ['nodes', 0, 'data'], message: expect.stringMatching(/^Its settings could not be brought up to date: the upgrade of "say" data from version 1 to 2 failed \(.+\)$/) }]);
    const [f] = lintFlow(doc);
    expect(f).toMatchObject({ code: 'kind-version', node: 'hello' });
    expect(f!.message).toMatch(/^The step "hello": Its settings could not be brought up to date/);
  });

  it('a missing migration is refused at the step, not guessed (the registry test below keeps real kinds complete)', () => {
    const say = NODE_KINDS.say as { migrations?: unknown };
    const kept = say.migrations;
    say.migrations = {};
    try {
      expect(issuesOf(savedAtV1())).toEqual([{ path: ['nodes', 0, 'data'], message: 'Its settings could not be brought up to date: this Callflow has no upgrade of "say" data from version 1 to 2' }]);
    } finally { say.migrations = kept; }
  });

  it('a flow with nothing to migrate is returned as it is (the same object)', () => {
    const doc = { ...savedAtV1(), nodes: [{ id: 'bye', type: 'hangup', position: { x: 0, y: 0 }, data: {} }], start: 'bye', edges: [] };
    expect(migrateFlow(doc)).toEqual({ doc, issues: [] });
    expect(migrateFlow(doc).doc).toBe(doc);
    const current = parseFlow({ ...savedAtV1(), kinds: { say: 2 }, nodes: [{ id: 'hello', type: 'say', position: { x: 0, y: 0 }, data: { text: 'Hi.', voice: 'v', language: 'l' } }], edges: [] });
    expect(current.nodes[0]!.data).toMatchObject({ voice: 'v', language: 'l' });
  });

  it('writes `kinds` only for kinds past version 1, just before the nodes', () => {
    expect(kindsHeader(['hangup', 'say', 'menu'])).toEqual({ say: 2 });
    expect(kindsHeader(['hangup'])).toBeUndefined();
    expect(Object.keys(migrateFlow(savedAtV1()).doc as object)).toEqual(['format', 'id', 'name', 'timezone', 'start', 'kinds', 'nodes', 'edges']);
  });

  it('every kind has a migration for each version below its own', () => {
    for (const t of NODE_TYPES) {
      const kind = NODE_KINDS[t] as { version?: number; migrations?: Record<number, unknown> };
      const below = Array.from({ length: (kind.version ?? 1) - 1 }, (_, i) => String(i + 1));
      expect(Object.keys(kind.migrations ?? {}), t).toEqual(below);
    }
    expect((NODE_KINDS.say as { version?: number }).version).toBe(2); // the registered tightening is in effect here
  });
});
