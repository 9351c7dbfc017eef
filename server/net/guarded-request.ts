/**
 * One HTTP(S) request to a URL the server did not choose (a mailbox webhook, a
 * recording URL), on node:http / node:https so that the address checked is the
 * address connected to: the host is resolved once, by the `lookup` hook of the
 * socket, and every address it returned is checked before the connection is
 * made (no second lookup a rebinding DNS server could answer differently).
 * Redirects are never followed here; the body is bounded in size and time.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressRefusal, isIpLiteral, type Cidr } from './address-policy.js';

/** The target was refused before anything was sent (its address, scheme or size). */
export class RefusedTarget extends Error {
  constructor(message: string) { super(message); this.name = 'RefusedTarget'; }
}

/** No complete answer within `timeoutMs` (the request was given up). */
export class RequestTimeout extends Error {
  constructor(message: string) { super(message); this.name = 'RequestTimeout'; }
}

export interface GuardedRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Whole request, connection to last byte (ms). */
  timeoutMs: number;
  /** Longest body accepted (bytes); longer → RefusedTarget, the rest is not read. */
  maxBytes: number;
  /** Read and drop the answer's body (a webhook receiver's answer is not used): no size limit applies. */
  discardBody?: boolean;
  /** Ranges allowed although private (an operator's choice). */
  allow: readonly Cidr[];
  /** Skip the address check (only for a URL the server built itself, e.g. its own sandbox). */
  trusted?: boolean;
}

export interface GuardedResponse { status: number; headers: IncomingHttpHeaders; body: Buffer }

/** A `lookup` for the socket that resolves all addresses and refuses the connection if any of them is refused. */
function checkingLookup(allow: readonly Cidr[]): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const bad = addresses.find((a) => addressRefusal(a.address, allow));
      if (bad || !addresses.length) {
        const why = bad ? `${hostname} resolves to ${bad.address} (${addressRefusal(bad.address, allow)})` : `${hostname} has no address`;
        return callback(Object.assign(new RefusedTarget(why), { code: 'EREFUSEDTARGET' }), '', 0);
      }
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/**
 * Sends the request and reads the answer. Throws RefusedTarget for a refused address, scheme or a too-large
 * body, and a plain Error for network failures and timeouts; any HTTP status (3xx included) is returned.
 */
export function guardedRequest(url: URL, o: GuardedRequest): Promise<GuardedResponse> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new RefusedTarget(`${url.protocol} URLs are not allowed (http or https only)`));
  if (url.username || url.password) return Promise.reject(new RefusedTarget('URLs with credentials are not allowed'));
  const host = url.hostname;
  // A literal address is connected to without any lookup: check it here.
  if (!o.trusted && isIpLiteral(host)) {
    const why = addressRefusal(host, o.allow);
    if (why) return Promise.reject(new RefusedTarget(`${host} is ${why}`));
  }
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null, value?: GuardedResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) { req.destroy(); reject(err); } else resolve(value!);
    };
    const req = mod.request(url, {
      method: o.method ?? 'GET', headers: o.headers, agent: false,
      ...(o.trusted ? {} : { lookup: checkingLookup(o.allow) }),
    }, (res) => {
      if (o.discardBody) {
        res.resume();
        res.on('end', () => finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0) }));
        res.on('error', (err) => finish(err));
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (declared > o.maxBytes) return finish(new RefusedTarget(`answer of ${declared} bytes is larger than ${o.maxBytes}`));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > o.maxBytes) finish(new RefusedTarget(`answer is larger than ${o.maxBytes} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (err) => finish(err));
    });
    const timer = setTimeout(() => finish(new RequestTimeout(`no complete answer within ${o.timeoutMs} ms`)), o.timeoutMs);
    req.on('error', (err) => finish(err));
    req.end(o.body);
  });
}
