/**
 * Runs sandbox-worker.ts in a worker thread (TypeScript through tsx) and
 * gives the load test a small async API over its messages.
 */
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { WebhookStats } from '../../server/sandbox/delivery-stats.js';
import type { Placed, ToWorker, WorkerInit } from './sandbox-worker.js';

export interface RemoteStats { live: number; livePeak: number; webhooks: WebhookStats }

export interface RemoteSandbox {
  /** Base URL of the worker's server (the sandbox is under `/sandbox`). */
  url: string;
  publicKeyBase64: string;
  /** Where the sandbox sends webhooks (`${url}/webhooks/...`). */
  setServerUrl(url: string): void;
  /** Places the calls over `rampMs` and resolves when all have ended. */
  place(bodies: Record<string, unknown>[], rampMs: number): Promise<{ results: Placed[]; spanMs: number; livePeak: number }>;
  stats(): Promise<RemoteStats>;
  close(): Promise<void>;
}

const ENTRY = new URL('./sandbox-worker.ts', import.meta.url).href;

export async function startRemoteSandbox(options: WorkerInit['options']): Promise<RemoteSandbox> {
  const init: WorkerInit = { keySeed: new Uint8Array(randomBytes(32)), options };
  // An eval'd ESM entry registers tsx in the worker's own thread, then loads the TypeScript module.
  const code = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(ENTRY)}); }).then((m) => m.main())`;
  const worker = new Worker(code, { eval: true, workerData: init });
  const waiting = new Map<string, (m: any) => void>();
  let failure: Error | undefined;
  const next = (key: string) => new Promise<any>((resolve, reject) => {
    if (failure) { reject(failure); return; }
    waiting.set(key, resolve);
    worker.once('error', reject);
  });
  worker.on('message', (m: { type: string; id?: number }) => {
    const key = m.type === 'stats' ? `stats:${m.id}` : m.type;
    const w = waiting.get(key);
    if (w) { waiting.delete(key); w(m); }
  });
  worker.on('error', (err) => { failure = err; });
  const send = (m: ToWorker) => worker.postMessage(m);
  const ready = await next('ready');
  let statsId = 0;
  return {
    url: ready.url, publicKeyBase64: ready.publicKeyBase64,
    setServerUrl: (url) => send({ type: 'server-url', url }),
    async place(bodies, rampMs) {
      const done = next('placed');
      send({ type: 'place', bodies, rampMs });
      return done;
    },
    async stats() {
      const id = ++statsId;
      const got = next(`stats:${id}`);
      send({ type: 'stats', id });
      return got;
    },
    async close() {
      const exited = new Promise((r) => worker.once('exit', r));
      send({ type: 'close' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      await worker.terminate();
    },
  };
}
