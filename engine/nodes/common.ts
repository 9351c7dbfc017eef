import { z } from 'zod';

/** Text spoken with text-to-speech, or a recording played by URL. Both accept `{{templates}}`. */
export const promptSchema = z.union([
  z.object({ text: z.string().min(1, 'Say something, or give an audio URL'), voice: z.string().optional(), language: z.string().optional() }),
  z.object({ url: z.string().min(1, 'Give an audio URL') }),
]);
export type PromptData = z.output<typeof promptSchema>;

/** E.164 phone number or a SIP URI. */
export const destinationSchema = z
  .string()
  .regex(/^(\+[1-9]\d{6,14}|sips?:[^\s@]+@[^\s]+|\{\{.+\}\})$/, 'Use an E.164 number like +13125550100 or a sip: address');

/** Default voice when a node names none. */
export const DEFAULT_VOICE = 'AWS.Polly.Joanna-Neural';
export const DEFAULT_LANGUAGE = 'en-US';
