/**
 * The AI parts of a caller's script from the command line (`callflow call`, `callflow simulate`):
 * `--ai '{"name":"Sam","reason":"billing"}'` (what Telnyx's AI collects, right or wrong), `--ai failed` (it gets
 * nothing usable) or `--ai hangup` (the caller hangs up), once per AI gather; `--assistant done,failed,hangup`,
 * one per AI Assistant conversation.
 */
export type AiArg = { result: Record<string, unknown> } | { failed: true } | { hangup: true };
export type AssistantArg = 'done' | 'failed' | 'hangup';

/** The `ai` list of the script, or the message for the first value that is none of the three forms. */
export function aiArgs(values: string[] | undefined): { ai?: AiArg[] } | { error: string } {
  if (!values) return {};
  const ai: AiArg[] = [];
  for (const v of values) {
    if (v === 'failed') { ai.push({ failed: true }); continue; }
    if (v === 'hangup') { ai.push({ hangup: true }); continue; }
    let parsed: unknown;
    try { parsed = JSON.parse(v); } catch { parsed = undefined; }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { error: `--ai takes a JSON object of the collected fields (e.g. '{"name":"Sam"}'), failed or hangup, not ${JSON.stringify(v)}` };
    ai.push({ result: parsed as Record<string, unknown> });
  }
  return { ai };
}

/** The `assistant` list of the script, or the message for a value that is not done, failed or hangup. */
export function assistantArgs(value: string | undefined): { assistant?: AssistantArg[] } | { error: string } {
  if (value === undefined) return {};
  const list = value.split(',').map((s) => s.trim());
  const bad = list.find((s) => s !== 'done' && s !== 'failed' && s !== 'hangup');
  return bad !== undefined ? { error: `--assistant takes done, failed or hangup separated by commas, not "${bad}"` } : { assistant: list as AssistantArg[] };
}
