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

/** Replaces every `{{path}}` with its value. Plain substitution: nothing is evaluated. */
export function fillTemplate(text: string, scope: TemplateScope): string {
  if (!text.includes('{{')) return text;
  return text.replace(TOKEN, (_, path: string) => lookup(scope, path));
}

/** The template paths a text uses (for lint and the builder's hints). */
export function templatePaths(text: string): string[] {
  return [...text.matchAll(TOKEN)].map((m) => m[1]!);
}
