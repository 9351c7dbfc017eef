/**
 * The callee leg of a screened TeXML dial. The Dial's `<Number url="…/screen-<node>-<seq>">` makes Telnyx fetch
 * a document for the leg that answered and run it there while the caller hears ringing: the whisper and a one-key
 * Gather (engine `renderScreen`). Its Gather posts the key to `…/screenkey-<node>-<seq>`: the accept key gets an
 * empty document (Telnyx bridges), anything else `<Hangup/>` (the Dial reports no answer); silence falls through
 * to the document's own `<Hangup/>`. The member who accepted is recorded as the dial's answer (the same record a
 * simultaneous ring's answered status callback writes), so the Dial's action knows who took the call, and a
 * screened dial with no acceptance is never taken as connected (texml.ts `action`).
 *
 * The fetch names the caller's call by `ParentCallSid` (signed, as in the child leg's call-progress callbacks);
 * the leg → caller link is kept (`screenleg:<leg>`) for the Gather's callback, which carries only the leg's own
 * CallSid. Anything that does not fit (no such call, the call moved past the step, another company's number,
 * no screen stored for the step) declines the leg: a caller is never bridged to someone who was not screened.
 */
import { renderScreen, renderScreenAnswer } from '../../engine/texml.js';
import type { Ctx } from '../deps.js';
import type { SessionRow } from '../store/types.js';
import { accepts, storedScreen } from '../calls/screen.js';
import type { Answer, Incoming } from './capture.js';
import { numberOfAnotherCompany } from './company-check.js';

export interface ScreenRef { key: boolean; node: string; seq: number }

/** Parses `screen-sales-4` (the fetch) and `screenkey-sales-4` (its Gather's callback). */
export function parseScreenStep(step: string): ScreenRef | undefined {
  const m = /^screen(key)?-([A-Za-z0-9][A-Za-z0-9_-]*)-(\d+)$/.exec(step);
  return m ? { key: !!m[1], node: m[2]!, seq: Number(m[3]) } : undefined;
}

const legKey = (leg: string) => `screenleg:${leg}`;

/** The URL of the screen document of a dial, and of its Gather's key callback. */
export const screenUrl = (base: string, i: { node: string; seq: number }, key = false) => `${base}/screen${key ? 'key' : ''}-${i.node}-${i.seq}`;

function doc(body: string, parent?: SessionRow): Answer {
  return { status: 200, contentType: 'text/xml', body, callId: parent?.callId ?? null, companyId: parent?.companyId ?? null };
}

/** The caller's call a screened leg belongs to, if it still waits on that dial. */
async function liveParent(ctx: Ctx, parentId: string | undefined, ref: ScreenRef): Promise<SessionRow | undefined> {
  if (!parentId) return undefined;
  const p = await ctx.store.getSession(parentId);
  return p && p.mode === 'texml' && p.status !== 'done' && p.seq === ref.seq && p.snapshot?.value === ref.node ? p : undefined;
}

/** Answers a screened leg's fetch or key; `base` is the TeXML webhooks' base URL. */
export async function screenLeg(ctx: Ctx, inc: Incoming, f: Record<string, string>, ref: ScreenRef, base: string): Promise<Answer> {
  const leg = f.CallSid;
  const decline = (why: string, parent?: SessionRow) => {
    ctx.log.info({ leg, parent: parent?.callId, step: inc.params.step, why }, 'screened leg declined');
    return doc(renderScreenAnswer(false), parent);
  };
  if (!leg) return decline('no CallSid');
  const linked = ref.key ? (await ctx.store.eventAnswer(legKey(leg)))?.split(' ') : undefined;
  const parentId = ref.key ? (linked && Number(linked[1]) === ref.seq ? linked[0] : undefined) : f.ParentCallSid;
  const parent = await liveParent(ctx, parentId, ref);
  if (!parent) return decline('no call waits on this dial');
  // The company check: the member's number must not be another company's (a call of ours never bridges to it).
  if (await numberOfAnotherCompany(ctx, parent.companyId, f.To)) return decline(`the leg's number ${f.To} belongs to another company`, parent);
  const screen = await storedScreen(ctx, parent.callId, ref.seq);
  if (!screen) return decline('the dial at this step is not screened', parent);
  if (!ref.key) {
    await ctx.store.storeEventAnswer(legKey(leg), `${parent.callId} ${ref.seq}`, true);
    // A whisper with no key to press: heard, then the call goes through; this member is the one who took it.
    if (!screen.requireKeypress) await ctx.store.recordDialAnswer(parent.callId, ref.seq, f.To ?? '', leg);
    return doc(renderScreen(screen, screenUrl(base, ref, true)), parent);
  }
  if (!accepts(screen, f.Digits)) return decline(`pressed ${f.Digits ? `"${f.Digits}"` : 'nothing'}`, parent);
  // First to accept takes the call (a simultaneous ring); a later one is declined.
  const won = (await ctx.store.recordDialAnswer(parent.callId, ref.seq, f.To ?? '', leg)) || (await ctx.store.dialAnswer(parent.callId, ref.seq)) === (f.To ?? '');
  return won ? doc(renderScreenAnswer(true), parent) : decline('another member accepted first', parent);
}
