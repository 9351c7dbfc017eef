/**
 * A first start should show something working at once: the example flows,
 * published, and two demo numbers routed to the main line (one per mode), so
 * `npx callflow call +18445550199 --digits 1` places a test call straight away.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintFlow, publishable } from '../engine/lint.js';
import { parseFlow, type Flow } from '../engine/schema.js';
import type { Store } from './store/types.js';
import { runsSubflows, withSubflows } from './api/subflows.js';
import { createBody, hoursOf } from './api/schedules.js';
import { phoneNumberId, type PhoneNumbersClient } from './telnyx/numbers.js';

/** Creates a flow from a document, publishes it and routes numbers to it, straight through the store (replays, benches, tests). */
export async function installFlow(store: Store, companyId: string, doc: unknown, routes: { e164: string; mode: 'texml' | 'call-control' }[] = []): Promise<Flow> {
  const flow = parseFlow(doc);
  await store.createFlow(companyId, flow.id, flow.name, doc);
  await store.publish(companyId, flow.id, doc);
  for (const r of routes) await store.putNumber(companyId, r.e164, flow.id, r.mode);
  return flow;
}

/** Demo numbers on a new install: the main line in each mode. */
export const DEMO_NUMBERS = [
  { e164: '+18445550199', flowId: 'main-line', mode: 'texml' as const },
  { e164: '+18445550198', flowId: 'main-line', mode: 'call-control' as const },
];

/** Imports every example flow into the company, publishes those without errors and routes the demo numbers. */
export async function seedExamples(store: Store, companyId: string, flowsDir: string): Promise<{ flows: string[]; numbers: string[] }> {
  // The shared schedules the examples follow (flows/schedules/*.json, the POST /api/schedules body), before the flows.
  const schedulesDir = join(flowsDir, 'schedules');
  for (const file of existsSync(schedulesDir) ? readdirSync(schedulesDir).filter((f) => f.endsWith('.json')).sort() : []) {
    const b = createBody.parse(JSON.parse(readFileSync(join(schedulesDir, file), 'utf8')));
    await store.createSchedule({ companyId, id: b.id, name: b.name, hours: hoursOf(b) });
  }
  const flows: string[] = [];
  const docs = readdirSync(flowsDir).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json')).sort()
    .map((file) => JSON.parse(readFileSync(join(flowsDir, file), 'utf8')) as unknown);
  // A flow that runs subflows is published after the flows it runs, with them embedded (server/api/subflows.ts).
  for (const doc of [...docs.filter((d) => !runsSubflows(d)), ...docs.filter(runsSubflows)]) {
    const flow = parseFlow(doc);
    if (!(await store.createFlow(companyId, flow.id, flow.name, doc))) continue;
    if (publishable(lintFlow(doc))) await store.publish(companyId, flow.id, await withSubflows(store, companyId, doc));
    flows.push(flow.id);
  }
  const numbers: string[] = [];
  for (const n of DEMO_NUMBERS) {
    if (flows.includes(n.flowId) && (await store.putNumber(companyId, n.e164, n.flowId, n.mode))) numbers.push(n.e164);
  }
  return { flows, numbers };
}

/** The part of the SDK client this needs. */
interface NumbersClient extends PhoneNumbersClient {
  numberOrders: { create(b: { phone_numbers: { phone_number: string }[]; connection_id?: string }): Promise<unknown> };
}

/**
 * Sandbox only: the sandbox account holds `e164` (ordered now unless it
 * already does; a fictional 555-01xx number or one of the inventory), and
 * this returns once Telnyx lists it, so `PUT /api/numbers/:e164` may route it.
 */
export async function holdInSandbox(telnyx: NumbersClient, e164: string, connectionId?: string, timeoutMs = 5000): Promise<string> {
  let id = await phoneNumberId(telnyx, e164);
  if (!id) await telnyx.numberOrders.create({ phone_numbers: [{ phone_number: e164 }], ...(connectionId ? { connection_id: connectionId } : {}) });
  for (const end = Date.now() + timeoutMs; !id; await new Promise((r) => setTimeout(r, 10))) {
    id = await phoneNumberId(telnyx, e164);
    if (!id && Date.now() > end) throw new Error(`the sandbox did not complete the order of ${e164} in ${timeoutMs} ms`);
  }
  return id;
}

/**
 * Sandbox only: makes sure the sandbox holds the demo numbers, each on the
 * connection of its mode (that is how Telnyx knows to send TeXML or Call
 * Control webhooks for it). Numbers it already holds (it keeps them in
 * data/sandbox-state.json) are left as they are.
 */
export async function registerDemoNumbers(telnyx: NumbersClient, store: Store, connections: { texml?: string; callControl?: string }): Promise<string[]> {
  const done: string[] = [];
  for (const n of DEMO_NUMBERS) {
    const routed = await store.numberByE164(n.e164);
    if (!routed) continue;
    if (!(await phoneNumberId(telnyx, n.e164))) {
      const connection_id = routed.mode === 'call-control' ? connections.callControl : connections.texml;
      await telnyx.numberOrders.create({ phone_numbers: [{ phone_number: n.e164 }], ...(connection_id ? { connection_id } : {}) });
    }
    done.push(n.e164);
  }
  return done;
}
