/**
 * Parses a TeXML document into an ordered list of verbs, without help from
 * the engine: the sandbox must catch what the engine renders wrongly.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One XML element: its name, attributes, child elements and text. */
export interface XmlNode {
  name: string; attrs: Record<string, string>; children: XmlNode[]; text: string;
  /** The element's CDATA sections, joined as written (AIGather's `<Parameters>` JSON); absent when it has none. */
  cdata?: string;
}

const parser = new XMLParser({
  preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false,
  parseAttributeValue: false, trimValues: true, ignoreDeclaration: true, processEntities: true, cdataPropName: '#cdata',
});

type Raw = Record<string, unknown>;

function toNode(raw: Raw): XmlNode | undefined {
  const name = Object.keys(raw).find((k) => k !== ':@' && k !== '#text' && k !== '#cdata');
  if (!name) return undefined;
  const kids = (raw[name] as Raw[]) ?? [];
  const attrs = (raw[':@'] as Record<string, string>) ?? {};
  const children = kids.map(toNode).filter((n): n is XmlNode => !!n);
  const text = kids.filter((k) => '#text' in k).map((k) => String(k['#text'])).join(' ').trim();
  const sections = kids.filter((k) => '#cdata' in k).map((k) => (k['#cdata'] as Raw[]).map((t) => String(t['#text'] ?? '')).join(''));
  return sections.length ? { name, attrs, children, text, cdata: sections.join('') } : { name, attrs, children, text };
}

/** The verbs of a `<Response>` document, or an error saying why it is not one. */
export function parseTexml(xml: string): { verbs: XmlNode[] } | { error: string } {
  if (!xml.trim()) return { error: 'empty TeXML document' };
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { error: `invalid XML: ${valid.err.msg} (line ${valid.err.line})` };
  const roots = (parser.parse(xml) as Raw[]).map(toNode).filter((n): n is XmlNode => !!n);
  if (roots.length !== 1 || roots[0]!.name !== 'Response') return { error: `root element must be <Response>, got <${roots.map((r) => r.name).join('>, <') || 'nothing'}>` };
  return { verbs: roots[0]!.children };
}

/** All text under a node (for `<Say>` with SSML children). */
export function allText(n: XmlNode): string {
  return [n.text, ...n.children.map(allText)].filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
}
