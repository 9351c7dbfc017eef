/**
 * `GET /healthz` and `GET /readyz`, for a load balancer or an orchestrator (issue #15).
 *
 * - /healthz: the process is up and its event loop answers. 200 while it runs, also while it drains, so a
 *   supervisor does not kill a server that is finishing its webhooks.
 * - /readyz: send it traffic. 200 only when the database answers a read and has every migration this build has;
 *   503 with the reason while the server drains (a SIGTERM: in-flight webhooks finish, new ones go to another
 *   instance), when the database does not answer, or when migrations are missing (an instance of a newer build
 *   waiting on one that has not migrated yet). Neither needs a key: they say nothing about any company.
 */
import { Router, type Request, type Response } from 'express';
import type { Ctx } from '../deps.js';

/** How long /readyz waits for the database before it says not ready (a locked or stalled database). */
const READ_TIMEOUT_MS = 2000;

export function healthRouter(ctx: Ctx): Router {
  const r = Router();
  const noStore = (res: Response) => res.set('cache-control', 'no-store');
  r.get('/healthz', (_req: Request, res: Response) => {
    noStore(res).json({ status: 'ok', draining: !!ctx.draining });
  });
  r.get('/readyz', async (_req: Request, res: Response) => {
    noStore(res);
    if (ctx.draining) return void res.status(503).json({ status: 'draining', reason: 'the server is shutting down; in-flight webhooks are finishing' });
    let timer: NodeJS.Timeout | undefined;
    try {
      const health = await Promise.race([
        ctx.store.health(),
        new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer in ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS); }),
      ]);
      const { pending, applied } = health.migrations;
      if (pending.length) return void res.status(503).json({ status: 'not_ready', reason: `migrations not applied: ${pending.join(', ')}`, migrations: { applied, pending } });
      res.json({ status: 'ready', migrations: { applied, pending } });
    } catch (err) {
      ctx.log.warn({ err }, 'readyz: the database did not answer');
      res.status(503).json({ status: 'not_ready', reason: `database: ${(err as Error).message}` });
    } finally {
      clearTimeout(timer);
    }
  });
  return r;
}
