/**
 * Words for lint messages: how to name a step and one of its exits so that
 * someone who never saw the JSON understands which box on the canvas is meant.
 */

/** What each kind of step is called in a sentence ("The menu ..."). */
const NOUNS: Record<string, string> = {
  say: 'message', play: 'audio step', menu: 'menu', collect: 'digit collection', businessHours: 'business-hours check',
  roundRobin: 'team ring', transfer: 'transfer', voicemail: 'voicemail', sms: 'text message', branch: 'branch',
  setVariable: 'variable step', hangup: 'hang-up',
};

/** What leaving by a port means for the caller ("... has no path for when ..."). */
const PORTS: Record<string, string> = {
  next: 'for what happens next',
  timeout: 'for when the caller presses nothing',
  invalid: 'for when the caller presses a wrong key',
  noAnswer: 'for when nobody answers',
  busy: 'for when the line is busy',
  failed: 'for when the call cannot go through',
  connected: 'for after the call is connected',
  noRecording: 'for when the caller leaves no message',
  open: 'for when the business is open',
  closed: 'for when the business is closed',
  holiday: 'for holidays',
  else: 'for when no rule matches',
};

const MAX_LABEL = 40;

function short(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > MAX_LABEL ? `${chars.slice(0, MAX_LABEL - 1).join('').trimEnd()}…` : flat;
}

function textOf(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim()) return v;
  if (v && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string') return textOf((v as { text: string }).text);
  return undefined;
}

/**
 * A short human label for a node: its own label or name if it has one, else
 * what the caller hears (text, prompt, greeting), else its id.
 */
export function nodeLabel(node: { id: string; data?: unknown }): string {
  const d = (node.data && typeof node.data === 'object' ? node.data : {}) as Record<string, unknown>;
  for (const key of ['label', 'name', 'text', 'prompt', 'greeting']) {
    const t = textOf(d[key]);
    if (t) return short(t);
  }
  return node.id;
}

/** `the menu "Main menu"`, lower-case, to begin or continue a sentence. */
export function nodeName(node: { id: string; type: string; data?: unknown }): string {
  return `the ${NOUNS[node.type] ?? 'step'} "${nodeLabel(node)}"`;
}

/** Capitalises the first letter (sentences start with "The menu ..."). */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "for when the caller presses 1", "for when the caller presses nothing", ... */
export function portPhrase(port: string): string {
  if (PORTS[port]) return PORTS[port];
  if (/^[0-9*#]$/.test(port)) return `for when the caller presses ${port}`;
  return `for the "${port}" exit`;
}
