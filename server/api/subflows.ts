/**
 * What publishing and lint need to know of a company's other flows for the subflow kind (engine/nodes/subflow.ts):
 * which are published, the ports their `return` steps name and the flows they run, read from their published
 * versions; and, at publish, the published version of each flow a subflow step runs, embedded in the new version
 * (`subflows` header) so it runs on its own, keeps it for calls in progress, and no call step reads the store.
 */
import type { Ctx } from '../deps.js';
import type { Store } from '../store/types.js';
import type { FlowLintContext } from '../../engine/node-kind.js';

type Doc = { nodes?: { type?: string; data?: Record<string, unknown> }[]; subflows?: unknown };
const nodesOf = (doc: unknown) => (Array.isArray((doc as Doc)?.nodes) ? (doc as Doc).nodes! : []);
const childIds = (doc: unknown) => [...new Set(nodesOf(doc).filter((n) => n.type === 'subflow' && typeof n.data?.flow === 'string').map((n) => n.data!.flow as string))];

/** Whether a flow document runs subflows (it is published after the flows it runs, in seeds and suites). */
export const runsSubflows = (doc: unknown): boolean => childIds(doc).length > 0;

/** The company's flows as lint sees them (engine/lint-graph.ts CompanyFacts `flows`). */
export async function flowFacts(ctx: Ctx, companyId: string): Promise<NonNullable<FlowLintContext['flows']>> {
  const out: Record<string, { published: boolean; returns: string[]; calls: string[] }> = {};
  for (const f of await ctx.store.listFlows(companyId)) {
    const v = f.publishedVersion ? await ctx.store.getVersion(companyId, f.id, f.publishedVersion) : undefined;
    const nodes = nodesOf(v?.doc);
    out[f.id] = {
      published: !!v,
      returns: [...new Set(nodes.filter((n) => n.type === 'return').map((n) => (typeof n.data?.port === 'string' ? n.data.port : 'done')))],
      calls: childIds(v?.doc),
    };
  }
  return out;
}

/**
 * The document to publish: the draft with the published version of every flow its subflow steps run embedded
 * (`subflows: {id: {version, flow}}`), a stale header dropped. Lint has already refused unknown, unpublished and
 * cyclic subflows (flowFacts), so every child is found here.
 */
export async function withSubflows(store: Pick<Store, 'getFlow' | 'getVersion'>, companyId: string, doc: unknown): Promise<unknown> {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return doc; // not a flow: the parse says why
  const { subflows: _stale, ...rest } = doc as Doc & Record<string, unknown>;
  const ids = childIds(doc);
  if (!ids.length) return _stale === undefined ? doc : rest;
  const subflows: Record<string, { version: number; flow: unknown }> = {};
  for (const id of ids) {
    const child = await store.getFlow(companyId, id);
    const v = child?.publishedVersion ? await store.getVersion(companyId, id, child.publishedVersion) : undefined;
    if (v) subflows[id] = { version: v.version, flow: v.doc };
  }
  return { ...rest, subflows };
}
