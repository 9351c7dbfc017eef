import type { Ctx } from '../deps.js';
import type { CallLogRow, StepEnv } from '../store/types.js';
import type { AmdMode } from '../store/outbound-types.js';

/** The fixture folder of a handled call, as `{files: {name: content}}`. */
export interface FixtureExport { files: { 'flow.json': unknown; 'events.jsonl': string; 'expected.jsonl': string; 'call.json': FixtureCall } }

/** Context a replay needs beyond the flow: who answered, on which number and mode, and the public URL in action URLs. */
export interface FixtureCall {
  company: string; number: string | null; mode: string | null; publicUrl: string;
  /** The round-robin cursor each node had when this call first read it; the replay seeds them. */
  cursors: Record<string, number>;
  /**
   * What each step read from outside the engine (team members as the engine saw them, the cursors its nodes
   * read), by the step's dedupe key (`texml:CALLSID:start`, `texml:CALLSID:dial-sales-1`, `cc:EVENT_ID`); a step
   * that read nothing is not listed. The replay feeds each listed step exactly this instead of its own team.
   */
  steps: Record<string, StepEnv>;
  /**
   * An outbound flow call (POST /api/calls with flowId; `number` is then its caller ID): the token its dial
   * carried, whom it called, its vars and AMD mode. The replay writes it down before the first webhook, as
   * startFlowCall did before the dial.
   */
  outbound?: { token: string; to: string; vars: Record<string, string>; amd: AmdMode };
}

/** Our stored answer in the fixture's `expected.jsonl` shape: `{texml}` or `{commands}`. */
function expectedLine(kind: string, answer: string | null): unknown {
  if (kind === 'texml') return { texml: answer ?? '' };
  try {
    const parsed = JSON.parse(answer ?? '{}') as { commands?: unknown[] };
    return { commands: parsed.commands ?? [] };
  } catch {
    return { commands: [] };
  }
}

/**
 * Exports a call as `fixtures/NAME/`: the flow version it ran on, every
 * accepted webhook as received (headers, raw body, path, method, `at`) and what
 * we answered, plus `call.json` (company name, number, mode, public URL, round-robin cursors, each step's
 * recorded environment: FixtureCall.steps), so `callflow simulate --fixture` can replay it.
 */
export async function fixtureFor(ctx: Ctx, call: CallLogRow): Promise<FixtureExport> {
  const session = await ctx.store.getSession(call.callId);
  const version = session ? await ctx.store.getVersion(session.companyId, session.flowId, session.version) : undefined;
  const hooks = (await ctx.store.webhooksForCall(call.callId)).filter((w) => w.status !== null && w.status < 400);
  const events = hooks.map((w) => JSON.stringify({ headers: w.headers, body: w.rawBody, path: w.path, method: w.method, at: w.receivedAt }));
  const expected = hooks.map((w) => JSON.stringify(expectedLine(w.kind, w.answer)));
  const company = await ctx.store.company(call.companyId);
  const out = call.direction === 'outbound' ? await ctx.store.outboundByCallId(call.callId) : undefined;
  return {
    files: {
      'call.json': {
        company: company?.name ?? '', number: out ? call.from : call.to, mode: call.mode, publicUrl: ctx.publicUrl(), cursors: session?.cursors ?? {}, steps: session?.steps ?? {},
        ...(out ? { outbound: { token: out.token, to: out.to, vars: out.vars, amd: out.amd } } : {}),
      },
      'flow.json': version?.doc ?? null,
      'events.jsonl': events.length ? `${events.join('\n')}\n` : '',
      'expected.jsonl': expected.length ? `${expected.join('\n')}\n` : '',
    },
  };
}
