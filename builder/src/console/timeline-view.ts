import { XMLBuilder, XMLParser } from 'fast-xml-parser';

/** One entry of GET /api/calls/:id/timeline (server/api/call-timeline.ts). */
export type Entry = { at: string; offsetMs: number } & (
  | { kind: 'webhook'; id: number; method: string; path: string; status: number | null; summary: string; body: string; format: 'form' | 'json' | 'text' }
  | { kind: 'node'; node: string }
  | { kind: 'port'; node: string; port: string }
  | { kind: 'end'; reason: string; node: string | null }
  | { kind: 'answer'; webhook: number; format: 'texml' | 'commands' | 'json'; body: string }
  | { kind: 'recording'; id: string; url: string; seconds: number | null; contentType: string }
  | { kind: 'cost'; item: string; quantity: number; unit: string; micros: number; detail: string | null }
);

/** How each kind reads in the timeline. */
export const KIND_LABEL: Record<Entry['kind'], string> = {
  webhook: 'webhook in', node: 'node entered', port: 'port taken', end: 'call ended', answer: 'answer out', recording: 'recording', cost: 'cost',
};

/** `+1:04.2` from the call's start. */
export function offsetText(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  const m = Math.floor(s / 60);
  return `+${m}:${(s - m * 60).toFixed(1).padStart(4, '0')}`;
}

/** Micro-dollars as dollars, to the hundredth of a cent ($0.0105). */
export const money = (micros: number) => `$${(micros / 1_000_000).toFixed(4)}`;

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, commentPropName: '#comment', trimValues: true });
const builder = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, commentPropName: '#comment', format: true, indentBy: '  ', suppressEmptyNode: true });

/** A TeXML document indented one element per line; text that is not XML comes back as it was. */
export function prettyXml(xml: string): string {
  try {
    const out = String(builder.build(parser.parse(xml))).trim();
    return out || xml;
  } catch { return xml; }
}

/** A webhook's or answer's raw body made readable: TeXML indented, JSON pretty, form fields one per line. */
export function readableBody(e: Extract<Entry, { kind: 'webhook' | 'answer' }>): string {
  if (e.kind === 'answer') return e.format === 'texml' ? prettyXml(e.body) : e.body;
  if (e.format === 'json') { try { return JSON.stringify(JSON.parse(e.body), null, 2); } catch { return e.body; } }
  if (e.format === 'form') return [...new URLSearchParams(e.body)].map(([k, v]) => `${k}: ${v}`).join('\n');
  return e.body;
}

/** The nodes the call entered, in order (a node entered twice shows twice: a menu repeated). */
export const pathNodes = (entries: Entry[]): string[] => entries.flatMap((e) => (e.kind === 'node' ? [e.node] : []));

/** One line saying what an entry is about. */
export function entryText(e: Entry): string {
  switch (e.kind) {
    case 'webhook': return `${e.method} ${e.summary}${e.status !== null && e.status >= 400 ? ` → ${e.status}` : ''}`;
    case 'node': return e.node;
    case 'port': return `${e.node} → ${e.port}`;
    case 'end': return `${e.reason}${e.node ? ` at ${e.node}` : ''}`;
    case 'answer': return e.format === 'texml' ? 'TeXML' : e.format === 'commands' ? 'Call Control commands' : 'JSON';
    case 'recording': return `${e.seconds ?? '?'} s`;
    case 'cost': return `${e.item.replace(/_/g, ' ')}: ${e.quantity} ${e.unit}${e.quantity === 1 ? '' : 's'}, ${money(e.micros)}`;
  }
}
