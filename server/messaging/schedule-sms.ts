/**
 * An owner's text changes a shared schedule (issue #13 item 4): "CLOSED UNTIL 15:00", "OPEN UNTIL 7PM",
 * "CLOSED TODAY", "OPEN" (back to the regular hours) from the phone of a team member who is a person with the
 * owner or admin role, to any of the company's numbers. The change is set and the reply says what is now in
 * effect. Any other sender's text, or a text that is not such a command, goes on as a normal message.
 */
import type { Ctx } from '../deps.js';
import { atLeast } from '../accounts/roles.js';
import { scheduleRefs } from '../calls/schedules.js';
import { scheduleAt, smsCommand, untilInstant } from '../calls/schedule-override.js';
import { parseFlow } from '../../engine/schema.js';
import { sendMessage } from './send.js';

/** Is `from` the phone of a team member who is an owner or admin of the company? */
async function isOwnerPhone(ctx: Ctx, companyId: string, from: string): Promise<string | undefined> {
  for (const m of await ctx.store.listMembers(companyId)) {
    if (m.to !== from || !m.personId) continue;
    const p = await ctx.store.person(companyId, m.personId);
    if (p && atLeast(p.role, 'admin')) return p.email;
  }
  return undefined;
}

/** The schedule a command means: named, else the one the number's published flow follows, else the company's only one. */
async function targetOf(ctx: Ctx, companyId: string, ours: string, named: string | undefined) {
  const all = await ctx.store.listSchedules(companyId);
  if (named) return { schedule: all.find((s) => s.id === named), all };
  if (all.length === 1) return { schedule: all[0], all };
  const number = await ctx.store.numberByE164(ours);
  const flow = number?.flowId ? await ctx.store.getFlow(companyId, number.flowId) : undefined;
  const live = flow?.publishedVersion ? await ctx.store.getVersion(companyId, flow.id, flow.publishedVersion) : undefined;
  let ids: readonly string[] = [];
  try { ids = live ? scheduleRefs(parseFlow(live.doc)) : []; } catch { /* a version this engine cannot read follows nothing here */ }
  return { schedule: ids.length === 1 ? all.find((s) => s.id === ids[0]) : undefined, all };
}

/**
 * Handles the text when it is an owner's schedule command (true: it was, the reply is sent); false for anything
 * else, which the caller then treats as a normal message.
 */
export async function scheduleCommandSms(ctx: Ctx, companyId: string, from: string, ours: string, text: string | null): Promise<boolean> {
  const cmd = smsCommand(text);
  if (!cmd) return false;
  const owner = await isOwnerPhone(ctx, companyId, from);
  if (!owner) return false;
  const { schedule, all } = await targetOf(ctx, companyId, ours, cmd.schedule);
  if (!all.length || (cmd.schedule && !schedule)) return false; // no schedules, or "open tomorrow": not a command
  const reply = async (t: string) => {
    try {
      await sendMessage(ctx, companyId, { from: ours, to: from, text: t }, { ignoreOptOut: true, ignoreBudget: true });
    } catch (err) {
      ctx.log.warn({ err }, 'schedule command reply failed');
    }
  };
  if (!schedule) {
    await reply(`Which schedule? Add its id, e.g. "${text?.trim()} ${all[0]!.id}". Yours: ${all.map((s) => s.id).join(', ')}.`);
    return true;
  }
  const now = ctx.now();
  let temporary = null;
  if (cmd.kind === 'set') {
    const until = untilInstant(cmd.until, schedule.hours.timezone, now);
    if ('refused' in until) return false; // untilInstant accepts every local time smsCommand gives; kept for safety
    temporary = { state: cmd.state, until: until.at, setBy: `sms ${from} (${owner})`, setAt: now.toISOString() };
  }
  const out = await ctx.store.setScheduleTemporary(companyId, schedule.id, temporary);
  if (!out) return false;
  await ctx.store.addAudit({ companyId, at: now.toISOString(), personId: null, keyId: null, actor: `sms ${from} (${owner})`, action: 'schedule.override', target: schedule.id, detail: temporary ?? { cleared: true } });
  const at = scheduleAt(out, now.toISOString());
  await reply(`${schedule.name}: ${cmd.kind === 'clear' ? 'back to the regular hours. ' : ''}Now in effect: ${at.reason}`);
  return true;
}
