import { z } from 'zod';
import { NODE_KINDS, NODE_TYPES, onKindsChanged } from './nodes/index.js';
import type { NodeKind } from './node-kind.js';
import { KIND_VERSION_CODE, migrateFlow } from './migrate.js';
import { importSchema } from './import-notes.js';

/** Node ids are readable slugs; they become XState state keys and URL segments. */
export const nodeIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'Use letters, digits, - and _ (up to 64), starting with a letter or digit');

const position = z.object({ x: z.number(), y: z.number() });

function nodeSchemaFor(type: string, kind: NodeKind) {
  return z.object({
    id: nodeIdSchema,
    type: z.literal(type),
    position,
    data: kind.schema,
  });
}

function nodeUnion() {
  return z.discriminatedUnion(
    'type',
    NODE_TYPES.map((t) => nodeSchemaFor(t, NODE_KINDS[t] as NodeKind)) as unknown as [
      ReturnType<typeof nodeSchemaFor>,
      ...ReturnType<typeof nodeSchemaFor>[],
    ],
  );
}

/**
 * One node of any registered kind, discriminated by `type`. Rebuilt, with the flow schemas below, when a kind is
 * registered at run time (nodes/index.ts registerKind): importers read the live binding, so every check has every
 * kind. (zod's `z.lazy` keeps the first schema it built, so it would not see a kind registered after a first parse.)
 */
export let flowNodeSchema = nodeUnion();

/** An edge leaves `source` by its output port `sourceHandle`. */
export const flowEdgeSchema = z.object({
  id: z.string().min(1).max(200),
  source: z.string().min(1),
  sourceHandle: z.string().min(1, 'Say which port the edge leaves from'),
  target: z.string().min(1),
  targetHandle: z.string().nullish(),
});

/** The `callflow/1` document with every node's data at its kind's current version (see {@link flowSchema}). */
function currentOf(nodeSchema: typeof flowNodeSchema) {
  return z.object({
    format: z.literal('callflow/1'),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'Use lowercase letters, digits and -'),
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    timezone: z.string().min(1).default('UTC'),
    channel: z.enum(['voice', 'sms'], { error: 'Use "voice" (a call starts the flow) or "sms" (a text starts it)' }).optional()
      .describe('What starts the flow: "voice" (an inbound call, the default) or "sms" (an inbound text on a number whose smsFlowId names it); lint keeps each kind of step to the channels it works in.'),
    start: z.string().min(1),
    kinds: z.record(z.string(), z.number().int().min(1)).optional()
      .describe('The version of each kind of step\'s data, for kinds past version 1 (e.g. {"menu": 2}); a kind not listed is at version 1. Written by the builder; older data is upgraded when the flow is read.'),
    nodes: z.array(nodeSchema).max(5000),
    edges: z.array(flowEdgeSchema).max(20000),
    subflows: z.record(z.string(), z.object({ version: z.number().int().min(1), flow: z.unknown() })).optional()
      .describe('Written by the server when it publishes: the published version of each flow a subflow step runs, embedded, so this version runs on its own (engine/subflow-expand.ts). Not written by hand.'),
    import: importSchema.optional()
      .describe('Where the flow was imported from and what the importer could not carry over (engine/import-notes.ts); lint shows each note on its step until it is fixed or dismissed.'),
  });
}
let currentFlowSchema = currentOf(flowNodeSchema);

/**
 * The `callflow/1` document, read at any kind version this engine knows: each node's data is first brought up to
 * its kind's current version (engine/migrate.ts, from the `kinds` header; absent = 1), then checked with the
 * current schemas. A version newer than this engine knows, or a migration that fails, is an issue (code `custom`,
 * `params.code` {@link KIND_VERSION_CODE}) at the path it concerns. Graph problems (dangling edges, loops, ...) are
 * the linter's job.
 */
function migratingOf(current: typeof currentFlowSchema) {
  return z.preprocess((input, ctx) => {
    const { doc, issues } = migrateFlow(input);
    for (const i of issues) ctx.addIssue({ code: 'custom', message: i.message, path: i.path, input, params: { code: KIND_VERSION_CODE } });
    return doc;
  }, current);
}
export let flowSchema = migratingOf(currentFlowSchema);

onKindsChanged(() => {
  flowNodeSchema = nodeUnion();
  currentFlowSchema = currentOf(flowNodeSchema);
  flowSchema = migratingOf(currentFlowSchema);
});

export type Flow = z.output<typeof flowSchema>;
/** A flow as written, at the current kind versions (what the builder edits and saves). */
export type FlowInput = z.input<typeof currentFlowSchema>;
export type FlowNode = Flow['nodes'][number];
export type FlowEdge = Flow['edges'][number];

/** Parses a flow (migrating older kind data, see {@link flowSchema}); the zod error carries the path of every problem. */
export function parseFlow(input: unknown): Flow {
  return flowSchema.parse(input);
}

/** The published JSON Schema of `callflow/1` (written to flows/callflow.schema.json). */
export function flowJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(currentFlowSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
