import { useEffect, useState } from 'react';
import { api, type FlowRecord } from './api.js';

/** What a publish embeds for each flow a subflow step runs: its version as published now (engine `subflows` header). */
export type Subflows = Record<string, { version: number; flow: unknown }>;

/** The ids of the flows the draft's subflow steps run, sorted, once each. */
export function subflowIds(nodes: readonly { type?: string; data: unknown }[]): string[] {
  const ids = nodes.filter((n) => n.type === 'subflow').map((n) => (n.data as { flow?: unknown } | undefined)?.flow).filter((f): f is string => typeof f === 'string' && f !== '');
  return [...new Set(ids)].sort();
}

/**
 * The published versions of the flows the draft's subflow steps run, fetched as the server would embed them when
 * publishing (server/api/subflows.ts `withSubflows`), so the simulator runs a draft's subflows as a call would.
 * A flow that is not found or never published is left out: its step apologises, as on a call (lint says why).
 * Undefined while they are being fetched.
 */
export function useSubflows(nodes: readonly { type?: string; data: unknown }[]): Subflows | undefined {
  const key = subflowIds(nodes).join('\n');
  const [subflows, setSubflows] = useState<Subflows | undefined>({});
  useEffect(() => {
    const ids = key ? key.split('\n') : [];
    if (!ids.length) { setSubflows({}); return; }
    // Undefined while fetching: the simulator waits rather than start a call whose subflow would apologise.
    setSubflows(undefined);
    let live = true;
    void Promise.all(ids.map(async (id) => {
      try {
        const rec = await api<FlowRecord>('GET', `/api/flows/${encodeURIComponent(id)}`);
        if (!rec.publishedVersion) return undefined;
        const v = await api<{ version: number; flow: unknown }>('GET', `/api/flows/${encodeURIComponent(id)}/versions/${rec.publishedVersion}`);
        return [id, { version: v.version, flow: v.flow }] as const;
      } catch { return undefined; }
    })).then((found) => { if (live) setSubflows(Object.fromEntries(found.filter((f) => f !== undefined))); });
    return () => { live = false; };
  }, [key]);
  return subflows;
}
