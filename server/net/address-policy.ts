/**
 * Which network addresses the server may send its own requests to (outbound
 * webhooks, recording downloads): public unicast only, unless an operator
 * allowed a private range on purpose. A URL someone typed into the API must
 * not become a request to this machine, the LAN or a cloud metadata service.
 */
import ipaddr from 'ipaddr.js';

/** One allowed range, as ipaddr.js parses a CIDR. */
export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Global unicast IPv6 (2000::/3): everything else there is local, special or embeds an IPv4 address. */
const GLOBAL_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * Parses a comma list of CIDRs (`10.0.0.0/8,127.0.0.1/32,fd00::/8`; a bare address means just it).
 * Throws naming `setting` and the bad entry, so a typo stops the start instead of opening nothing.
 */
export function parseCidrList(list: string | readonly string[] | undefined, setting = 'CALLFLOW_ALLOW_PRIVATE_WEBHOOKS'): Cidr[] {
  const items = (typeof list === 'string' ? list.split(',') : list ?? []).map((s) => s.trim()).filter(Boolean);
  return items.map((item) => {
    try {
      const [addr = '', bits] = item.split('/');
      // Four-part dotted decimal only: ipaddr.js would read "10.0.0" or "0x7f.1" as an address, which nobody means.
      if (!addr.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(addr)) throw new Error('not dotted decimal');
      if (bits !== undefined) return ipaddr.parseCIDR(item);
      const a = ipaddr.parse(addr);
      return [a, a.kind() === 'ipv4' ? 32 : 128] as Cidr;
    } catch {
      throw new Error(`${setting}: "${item}" is not an address range (write it as a CIDR, e.g. 10.0.0.0/8 or 127.0.0.1/32)`);
    }
  });
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) compares as the IPv4 address it carries. */
function normal(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try { return ipaddr.process(ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '')); } catch { return undefined; }
}

/**
 * Why the server must not connect to `ip` (e.g. `"loopback"`, `"private"`, `"linkLocal"` — which covers the
 * 169.254.169.254 metadata service — `"carrierGradeNat"`, `"uniqueLocal"`), or undefined when it may: a public
 * unicast address, or one inside an `allowed` range.
 */
export function addressRefusal(ip: string, allowed: readonly Cidr[] = []): string | undefined {
  const a = normal(ip);
  if (!a) return 'not an IP address';
  for (const [net, bits] of allowed) if (net.kind() === a.kind() && a.match(net, bits)) return undefined;
  const range = a.range();
  if (range !== 'unicast') return range;
  if (a.kind() === 'ipv6' && !a.match(GLOBAL_V6)) return 'not global unicast';
  return undefined;
}

/** True when `host` (a URL's hostname) is an IP literal; `[::1]` counts. */
export const isIpLiteral = (host: string): boolean => ipaddr.isValid(host.replace(/^\[|\]$/g, ''));
