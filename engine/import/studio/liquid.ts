import type { MapContext } from './context.js';
import { varName } from './context.js';

/** `{{ … }}` output tags and `{% … %}` logic tags, as Studio's Liquid writes them. */
const TAG = /\{\{\s*([^{}]*?)\s*\}\}|\{%[\s\S]*?%\}/g;

/** The callflow template a Liquid variable path means, when the meaning is the same; undefined when it has none. */
export function templateFor(path: string, ctx: Pick<MapContext, 'digitsVar' | 'states'>): string | undefined {
  switch (path) {
    case 'trigger.call.From': case 'trigger.call.Caller': case 'contact.channel.address': return 'caller.from';
    case 'trigger.call.To': case 'trigger.call.Called': case 'flow.channel.address': return 'caller.to';
    case 'trigger.call.CallSid': return 'call.id';
    case 'trigger.call.Direction': return 'call.direction';
  }
  const fv = /^flow\.variables\.([A-Za-z0-9_-]+)$/.exec(path);
  if (fv) return `vars.${varName(fv[1]!)}`;
  const w = /^widgets\.([^.]+)\.(Digits|RecordingUrl)$/.exec(path);
  if (w) {
    if (w[2] === 'Digits') { const v = ctx.digitsVar.get(w[1]!); return v ? `vars.${v}` : undefined; }
    if (ctx.states.get(w[1]!)?.type === 'record-voicemail') return 'vars.recordingUrl';
  }
  return undefined;
}

/** A text with its Liquid translated where it means the same, and the tags kept as they were (to flag). */
export interface Translated { text: string; kept: string[] }

/** Translates each `{{path}}` callflow knows; filters (`| upcase`), logic tags and other paths are kept as text. */
export function translate(text: string, ctx: Pick<MapContext, 'digitsVar' | 'states'>): Translated {
  const kept: string[] = [];
  const out = text.replace(TAG, (whole, expr: string | undefined) => {
    const t = expr !== undefined && !expr.includes('|') ? templateFor(expr.trim(), ctx) : undefined;
    if (t) return `{{${t}}}`;
    kept.push(whole);
    return whole;
  });
  return { text: out, kept };
}

/** Is the whole text one Liquid tag (`{{widgets.g.Digits}}`)? Its path, or undefined. */
export function soleTag(text: string): string | undefined {
  const m = /^\s*\{\{\s*([^{}|]*?)\s*\}\}\s*$/.exec(text);
  return m?.[1];
}
