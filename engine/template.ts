import type { DateTime } from 'luxon';
import type { CallContext } from './types.js';

/** Values a template can name: `caller.from`, `vars.x`, `company.name`, `now`, ... */
export interface TemplateScope {
  call: CallContext['call'];
  vars: Readonly<Record<string, string>>;
  company?: Readonly<Record<string, string>>;
  /** The current time, or a thunk for it (parsed only when a template names `now`). */
  now?: DateTime | (() => DateTime);
}

const TOKEN = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/** Looks a dotted path up in the scope; unknown names give ''. */
export function lookup(scope: TemplateScope, path: string): string {
  const [head, ...rest] = path.split('.');
  const key = rest.join('.');
  switch (head) {
    case 'caller':
      return key === 'from' ? scope.call.from : key === 'to' ? scope.call.to : '';
    case 'call':
      return key === 'id' ? scope.call.id : key === 'direction' ? scope.call.direction : '';
    case 'vars':
      return Object.prototype.hasOwnProperty.call(scope.vars, key) ? scope.vars[key]! : '';
    case 'company':
      return scope.company && Object.prototype.hasOwnProperty.call(scope.company, key) ? scope.company[key]! : '';
    case 'now': {
      const now = typeof scope.now === 'function' ? scope.now() : scope.now;
      if (!now) return '';
      if (!key) return now.toFormat("cccc, LLLL d 'at' h:mm a");
      return key === 'iso' ? now.toISO() ?? '' : key === 'date' ? now.toISODate() ?? '' : key === 'time' ? now.toFormat('HH:mm') : key === 'weekday' ? now.toFormat('cccc') : '';
    }
    default:
      return '';
  }
}

/**
 * The most characters a filled template (and any variable) may hold: 4 KiB of
 * text, more than Telnyx speaks in one command (3,000 characters, see
 * call-control.ts MAX_PAYLOAD) and far more than a caller listens to.
 */
export const MAX_TEXT = 4096;

/** `text` cut to at most `max` characters, never inside a surrogate pair. */
export function clip(text: string, max = MAX_TEXT): string {
  if (text.length <= max) return text;
  const c = text.charCodeAt(max - 1);
  return text.slice(0, c >= 0xd800 && c <= 0xdbff ? max - 1 : max);
}

/** A filled template and whether it was cut at the bound. */
export interface Filled { text: string; truncated: boolean }

/**
 * Replaces every `{{path}}` with its value, building at most `max` characters:
 * past the bound the rest is dropped (`truncated`), so a template that names a
 * long value twice (`{{vars.x}}{{vars.x}}`) costs the bound, not double the value.
 * Plain substitution: nothing is evaluated.
 */
export function fillBounded(text: string, scope: TemplateScope, max = MAX_TEXT): Filled {
  if (!text.includes('{{')) return text.length <= max ? { text, truncated: false } : { text: clip(text, max), truncated: true };
  let out = '';
  let at = 0;
  for (const m of text.matchAll(TOKEN)) {
    out += text.slice(at, m.index);
    if (out.length > max) return { text: clip(out, max), truncated: true };
    const value = lookup(scope, m[1]!);
    if (out.length + value.length > max) return { text: clip(out + value.slice(0, max - out.length + 1), max), truncated: true };
    out += value;
    at = m.index + m[0].length;
  }
  out += text.slice(at);
  return out.length <= max ? { text: out, truncated: false } : { text: clip(out, max), truncated: true };
}

/** Replaces every `{{path}}` with its value, at most {@link MAX_TEXT} characters. Plain substitution: nothing is evaluated. */
export function fillTemplate(text: string, scope: TemplateScope): string {
  return fillBounded(text, scope).text;
}

/** The template paths a text uses (for lint and the builder's hints). */
export function templatePaths(text: string): string[] {
  return [...text.matchAll(TOKEN)].map((m) => m[1]!);
}
