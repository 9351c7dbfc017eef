import { z } from 'zod';
import type { Prompt } from '../types.js';

/** Text spoken with text-to-speech, or a recording played by URL. Both accept `{{templates}}`. */
export const promptSchema = z.union([
  z.object({ text: z.string().min(1, 'Say something, or give an audio URL'), voice: z.string().optional(), language: z.string().optional() }),
  z.object({ url: z.string().min(1, 'Give an audio URL') }),
], { error: 'Write what the caller hears, or give an audio URL' });
export type PromptData = z.output<typeof promptSchema>;

/** E.164 phone number or a SIP URI. */
export const destinationSchema = z
  .string({ error: 'Give a phone number like +13125550100 or a sip: address' })
  .regex(/^(\+[1-9]\d{6,14}|sips?:[^\s@]+@[^\s]+|\{\{.+\}\})$/, 'Use an E.164 number like +13125550100 or a sip: address');

/** A person a team ring or a hold queue rings: an id, a name for the card, the number or SIP address to dial. */
export const memberSchema = z.object({
  id: z.string({ error: 'Give the member an id' }).min(1, 'Give the member an id'),
  name: z.string().default(''),
  to: destinationSchema,
});

/** A variable name usable as `{{vars.name}}`. */
export const identifierSchema = z
  .string({ error: 'Give the variable a name' })
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'Use letters, digits and _ (no spaces), starting with a letter, e.g. account_number');

/** Whole seconds within a range, with a message that names the range. */
export function secondsSchema(min: number, max: number) {
  return z.number({ error: 'Give a number of seconds' }).int('Use whole seconds').min(min, `Use at least ${min} second${min === 1 ? '' : 's'}`).max(max, `Use at most ${max} seconds`);
}

/** How often a prompt repeats. */
export const loopSchema = z.number({ error: 'Give how many times to repeat' }).int('Use a whole number').min(1, 'Play it at least once').max(10, 'Repeat at most 10 times').default(1);

/** Default voice when a node names none. */
export const DEFAULT_VOICE = 'AWS.Polly.Joanna-Neural';
/** Default language when a node names none. */
export const DEFAULT_LANGUAGE = 'en-US';

/** A prompt as the caller hears it, templates filled. */
export function toPrompt(p: PromptData, fill: (t: string) => string): Prompt {
  if ('url' in p) return { verb: 'play', url: fill(p.url) };
  const out: Prompt = { verb: 'say', text: fill(p.text) };
  if (p.voice) out.voice = p.voice;
  if (p.language) out.language = p.language;
  return out;
}
