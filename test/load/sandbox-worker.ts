/**
 * The Telnyx side of the load test, in its own thread: the sandbox on its own
 * HTTP server, and the 1,000 callers who dial in through `POST /sandbox/calls`.
 * Telnyx and the callers are not on the server's machine, so they should not
 * share its event loop either: on one thread the load generator took about
 * half the CPU and its own latency counted against the server.
 * Driven by remote-sandbox.ts through worker messages.
 */
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { createSandbox } from '../../server/sandbox/index.js';

export interface WorkerInit { keySeed: Uint8Array; options: { retryDelaysMs: number[]; idleMs: number; callTimeoutMs: number; webhookTimeoutMs?: number } }
/** parent → worker */
export type ToWorker =
  | { type: 'server-url'; url: string }
  | { type: 'place'; bodies: Record<string, unknown>[]; rampMs: number }
  | { type: 'stats'; id: number }
  | { type: 'close' };
/** One call's answer: the sandbox's summary, or why the request failed. */
export type Placed = { ok: true; summary: unknown } | { ok: false; error: string };

/** Starts the worker's sandbox and answers the parent's messages. */
export async function main(): Promise<void> {
  const port = parentPort!;
  const init = workerData as WorkerInit;
  let serverUrl = '';
  const sandbox = createSandbox({ publicUrl: () => serverUrl, keySeed: Buffer.from(init.keySeed), orderDelayMs: 5, ...init.options });
  const app = express();
  app.use('/sandbox', sandbox.router);
  const server: Server = await new Promise((r) => { const s = createServer(app).listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => r(s)); });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let livePeak = 0;
  const sampler = setInterval(() => { livePeak = Math.max(livePeak, sandbox.liveCalls()); }, 100);

  port.on('message', (m: ToWorker) => {
    if (m.type === 'server-url') serverUrl = m.url;
    else if (m.type === 'stats') port.postMessage({ type: 'stats', id: m.id, live: sandbox.liveCalls(), livePeak, webhooks: sandbox.webhookStats() });
    else if (m.type === 'place') void place(url, m.bodies, m.rampMs).then((r) => port.postMessage({ type: 'placed', ...r, livePeak }));
    else if (m.type === 'close') {
      clearInterval(sampler);
      sandbox.close();
      server.closeAllConnections();
      server.close(() => port.close());
    }
  });
  port.postMessage({ type: 'ready', url, publicKeyBase64: sandbox.publicKeyBase64 });
}

/** Places every call, evenly spread over `rampMs`, and waits for them all to end. */
async function place(url: string, bodies: Record<string, unknown>[], rampMs: number): Promise<{ results: Placed[]; spanMs: number }> {
  const launched: number[] = [];
  const results = await Promise.all(bodies.map((b, i) => new Promise<Placed>((resolve) => {
    setTimeout(() => {
      launched.push(performance.now());
      fetch(`${url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) })
        .then(async (res) => (res.status === 200 ? { ok: true as const, summary: await res.json() } : { ok: false as const, error: `${res.status} ${await res.text()}` }))
        .then(resolve, (err: Error) => resolve({ ok: false, error: err.message }));
    }, (i * rampMs) / bodies.length);
  })));
  return { results, spanMs: Math.round(Math.max(...launched) - Math.min(...launched)) };
}
