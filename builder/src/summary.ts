import { kindOf } from '../../engine/nodes/index.js';
import { cardLine } from '../../engine/nodes/words.js';

/** A line for a kind the engine does not know: its first plain field. */
function generic(data: Record<string, unknown>): string[] {
  const first = Object.entries(data).find(([, v]) => typeof v === 'string' || typeof v === 'number');
  return first ? [cardLine(`${first[0]}: ${first[1]}`)] : [];
}

/**
 * Short lines describing `data` of a node of `type`, shown on the canvas card: the kind's own
 * `summary` (engine/nodes/*.ts). Data mid-edit may be any shape; a summary that throws on it, and
 * an unknown kind, get the generic line instead. Pure.
 */
export function summarize(type: string, data: Record<string, unknown> | null | undefined): string[] {
  const d = data ?? {};
  const kind = kindOf(type);
  if (!kind) return generic(d);
  try { return kind.summary(d as never); } catch { return generic(d); }
}
