/**
 * Test bench: one express app on 127.0.0.1:0 that mounts the sandbox at
 * /sandbox and a fake "customer app" at /webhooks/* whose handlers each test
 * sets. Every webhook the sandbox sends is kept raw, with its headers.
 */
import express, { type Request, type Response } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Telnyx from 'telnyx';
import { createSandbox, type Sandbox, type SandboxOptions } from '../../server/sandbox/index.js';

export interface Hook { path: string; method?: string; raw: string; headers: Record<string, string>; form?: Record<string, string>; json?: any }
export type Handler = (hook: Hook, req: Request, res: Response) => void | Promise<void>;

export interface Bench {
  url: string; sandbox: Sandbox; client: Telnyx; hooks: Hook[];
  /** Sets the fake app's answer for one webhook path (default: 200 "ok"). */
  on(path: string, h: Handler): void;
  /** Resolves with the first webhook matching `pred` (waits for it). */
  waitFor(pred: (h: Hook) => boolean, ms?: number): Promise<Hook>;
  close(): Promise<void>;
}

/** The sandbox alone behind a fake app (no company keys in front, so its reads are open: `openReads`). */
export async function startBench(opts: Partial<SandboxOptions> = {}): Promise<Bench> {
  const app = express();
  const handlers = new Map<string, Handler>();
  const hooks: Hook[] = [];
  const waiters: { pred: (h: Hook) => boolean; resolve: (h: Hook) => void }[] = [];
  let url = '';
  const sandbox = createSandbox({ publicUrl: () => url, retryDelaysMs: [5, 10], idleMs: 500, orderDelayMs: 10, callTimeoutMs: 10_000, openReads: true, ...opts });
  app.use('/sandbox', sandbox.router);
  app.all('/{*path}', express.raw({ type: '*/*' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const hook: Hook = { path: req.path, raw, headers: req.headers as Record<string, string>, method: req.method };
    if (req.method === 'GET') hook.form = Object.fromEntries(new URL(req.url, 'http://x').searchParams);
    else if (String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) hook.form = Object.fromEntries(new URLSearchParams(raw));
    else if (raw) try { hook.json = JSON.parse(raw); } catch { /* kept raw */ }
    hooks.push(hook);
    for (const w of [...waiters]) if (w.pred(hook)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(hook); }
    const h = handlers.get(req.path);
    if (h) await h(hook, req, res); else res.send('ok');
  });
  const server: Server = await new Promise((r) => { const s = app.listen(0, '127.0.0.1', () => r(s)); });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new Telnyx({ apiKey: 'test', baseURL: `${url}/sandbox/v2`, maxRetries: 0 });
  return {
    url, sandbox, client, hooks,
    on: (path, h) => { handlers.set(path, h); },
    waitFor(pred, ms = 5000) {
      const hit = hooks.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve: (h: Hook) => { clearTimeout(t); resolve(h); } };
        const t = setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); reject(new Error('webhook not received')); }, ms);
        waiters.push(w);
      });
    },
    async close() { sandbox.close(); server.closeAllConnections(); await new Promise((r) => server.close(r)); },
  };
}

/** Answers a TeXML webhook with a document. */
export const xml = (body: string): Handler => (_h, _req, res) => { res.type('text/xml').send(`<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`); };

/** Places a simulated call and returns the sandbox's JSON answer. */
export async function placeCall(b: Bench, req: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${b.url}/sandbox/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) });
  return { status: res.status, ...((await res.json()) as object) };
}

/** Checks a webhook with the official SDK's verifier (throws if it fails), then returns its JSON. */
export async function verified(b: Bench, hook: Hook): Promise<any> {
  const { TelnyxWebhook } = await import('telnyx/lib/webhooks');
  await new TelnyxWebhook(b.sandbox.publicKeyBase64).verify(hook.raw, hook.headers);
  return hook.json ?? hook.form;
}
