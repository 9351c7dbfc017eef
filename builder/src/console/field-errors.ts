/**
 * The API's 4xx as messages per field: `{ 'budgetMicros': 'Too small: …' }`, keyed by the zod path joined with
 * dots (`rates.sms_out_segment`), from `error.issues` when the server lists them, else from `error.path`.
 * Anything else (a network failure, a 5xx, an error with no path) is under `''`, for the form as a whole.
 * Reads an ApiError (api.ts) by its shape (`body.error`), so this stays testable without a browser.
 */
export function fieldErrors(err: unknown): Record<string, string> {
  const e = (err as { body?: { error?: any } })?.body?.error;
  if (!e || typeof e !== 'object') return { '': String((err as Error)?.message ?? err) };
  const out: Record<string, string> = {};
  const issues: { path?: (string | number)[]; message?: string }[] = Array.isArray(e.issues) ? e.issues : [];
  for (const i of issues) {
    const key = (i.path ?? []).join('.');
    if (i.message && !(key in out)) out[key] = i.message;
  }
  if (!issues.length) {
    const key = Array.isArray(e.path) ? e.path.join('.') : typeof e.path === 'string' ? e.path : '';
    out[key] = typeof e.message === 'string' ? e.message : String((err as Error).message);
  }
  return out;
}
