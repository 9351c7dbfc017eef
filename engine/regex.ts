import { RE2JS } from 're2js';
import { Lru } from './lru.js';

/**
 * Regular expressions in flows (collect `pattern`, branch `matches`) run on
 * RE2 (re2js, pure JavaScript, so the builder's simulator runs the same
 * engine): matching takes time linear in the input whatever the pattern, so
 * a pattern like `(\d+)+` cannot stall a call (with JavaScript's own RegExp
 * it took seconds per step). The price is RE2's dialect: no backreferences
 * (`\1`) and no lookaround (`(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`), which the
 * linter reports as errors before a flow is published.
 */

/** A pattern RE2 compiled, or the sentence fragment saying why it could not. */
export type CompiledPattern = { re: RE2JS; error?: undefined } | { re?: undefined; error: string };

/** Distinct pattern sources kept compiled (a flow's patterns are a handful; templated ones vary per call). */
export const PATTERN_CACHE_ENTRIES = 256;
const compiled = new Lru<string, CompiledPattern>(PATTERN_CACHE_ENTRIES);

/** What RE2 lacks that a pattern uses, scanning past escapes: the words for a lint message, or undefined. */
function unsupportedFeature(source: string): string | undefined {
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const n = source[i + 1] ?? '';
      if (n >= '1' && n <= '9') return `a backreference (\\${n})`;
      if (n === 'k' && source[i + 2] === '<') return 'a named backreference (\\k<…>)';
      i++;
    } else if (c === '(' && source[i + 1] === '?') {
      const a = source[i + 2], b = source[i + 3];
      if (a === '=') return 'a lookahead (?=…)';
      if (a === '!') return 'a negative lookahead (?!…)';
      if (a === '<' && b === '=') return 'a lookbehind (?<=…)';
      if (a === '<' && b === '!') return 'a negative lookbehind (?<!…)';
    }
  }
  return undefined;
}

function compile(source: string): CompiledPattern {
  try {
    // JavaScript spellings RE2 writes differently (\u0041, (?<name>…), a bare /) are translated first.
    return { re: RE2JS.compile(RE2JS.translateRegExp(source)) };
  } catch (e) {
    const feature = unsupportedFeature(source);
    if (feature) return { error: `uses ${feature}, which the regular expression engine (RE2, which cannot be stalled by any pattern) does not support` };
    const why = String((e as Error)?.message ?? e).replace(/^error parsing regexp: /, '').replace(/`/g, '"');
    return { error: `is not a valid regular expression (${why})` };
  }
}

/**
 * The pattern compiled by RE2, once per distinct source (a bounded LRU of
 * {@link PATTERN_CACHE_ENTRIES}): a flow's patterns are compiled on first use
 * and reused by every later step and call. Never throws.
 */
export function flowPattern(source: string): CompiledPattern {
  let c = compiled.get(source);
  if (!c) {
    c = compile(source);
    compiled.set(source, c);
  }
  return c;
}

/** Does the whole of `input` match `source`? A pattern RE2 cannot compile matches nothing. */
export function matchesWhole(source: string, input: string): boolean {
  return flowPattern(source).re?.testExact(input) ?? false;
}

/** Does `source` match somewhere in `input`? A pattern RE2 cannot compile matches nothing. */
export function matchesSome(source: string, input: string): boolean {
  return flowPattern(source).re?.test(input) ?? false;
}
