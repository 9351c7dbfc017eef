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

type Root = {
  /** The value of `root.key` (`key` is '' for the bare root, e.g. `{{now}}`). */
  value(scope: TemplateScope, key: string): string;
  /** Paths the builder offers as template hints (a flow's own `vars.*` come from its kinds' `sets`). */
  hints: readonly string[];
};

const nowOf = (scope: TemplateScope) => (typeof scope.now === 'function' ? scope.now() : scope.now);

/** Every root a template (and a branch rule's `var`) can name: the one list lookup, lint and the builder read. */
const ROOTS = {
  caller: { value: (s, key) => (key === 'from' ? s.call.from : key === 'to' ? s.call.to : ''), hints: ['caller.from', 'caller.to'] },
  call: { value: (s, key) => (key === 'id' ? s.call.id : key === 'direction' ? s.call.direction : ''), hints: ['call.id', 'call.direction'] },
  vars: { value: (s, key) => (Object.prototype.hasOwnProperty.call(s.vars, key) ? s.vars[key]! : ''), hints: [] },
  company: { value: (s, key) => (s.company && Object.prototype.hasOwnProperty.call(s.company, key) ? s.company[key]! : ''), hints: ['company.name'] },
  now: {
    value: (s, key) => {
      const now = nowOf(s);
      if (!now) return '';
      if (!key) return now.toFormat("cccc, LLLL d 'at' h:mm a");
      return key === 'iso' ? now.toISO() ?? '' : key === 'date' ? now.toISODate() ?? '' : key === 'time' ? now.toFormat('HH:mm') : key === 'weekday' ? now.toFormat('cccc') : '';
    },
    hints: ['now', 'now.date', 'now.time', 'now.weekday'],
  },
} satisfies Record<string, Root>;

export type TemplateRoot = keyof typeof ROOTS;
/** The roots, in order: `caller`, `call`, `vars`, `company`, `now`. */
export const TEMPLATE_ROOTS = Object.keys(ROOTS) as TemplateRoot[];
/** The paths the builder suggests in a templated field, before the flow's own variables. */
export const TEMPLATE_HINTS: readonly string[] = Object.values(ROOTS).flatMap((r) => r.hints);

/** Is `root` (the part before the first dot) a root a template can name? */
export function isTemplateRoot(root: string): root is TemplateRoot {
  return Object.prototype.hasOwnProperty.call(ROOTS, root);
}

/** Looks a dotted path up in the scope; unknown names give ''. */
export function lookup(scope: TemplateScope, path: string): string {
  const dot = path.indexOf('.');
  const head = dot < 0 ? path : path.slice(0, dot);
  return isTemplateRoot(head) ? ROOTS[head].value(scope, dot < 0 ? '' : path.slice(dot + 1)) : '';
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
