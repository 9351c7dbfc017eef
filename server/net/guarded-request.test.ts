import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardedRequest, RefusedTarget } from './guarded-request.js';
import { parseCidrList } from './address-policy.js';

// A real receiver on loopback that counts what reaches it.
let server: Server;
let port = 0;
const hits: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/redirect') { res.writeHead(302, { location: `http://127.0.0.1:${port}/after-redirect` }).end(); return; }
    if (req.url === '/big') { res.write(Buffer.alloc(3000)); res.end(Buffer.alloc(3000)); return; }
    if (req.url === '/slow') return; // never answers
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => { server.closeAllConnections(); await new Promise((r) => server.close(r)); });

const base = { timeoutMs: 2000, maxBytes: 1000 };
const refused = async (url: string, allow = parseCidrList('')) => {
  const before = hits.length;
  const err = await guardedRequest(new URL(url), { ...base, allow }).then(() => undefined, (e: Error) => e);
  expect(err).toBeInstanceOf(RefusedTarget);
  expect(hits.length).toBe(before); // nothing reached the receiver
  return err!.message;
};

describe('guardedRequest: checks the address it connects to', () => {
  it('refuses a name that resolves to loopback (real DNS: localhost), before any byte is sent', async () => {
    expect(await refused(`http://localhost:${port}/hook`)).toMatch(/^localhost resolves to (127\.0\.0\.1|::1) \(loopback\)$/);
  });

  it('refuses literal loopback, metadata and private addresses, and other schemes', async () => {
    expect(await refused(`http://127.0.0.1:${port}/hook`)).toBe('127.0.0.1 is loopback');
    expect(await refused(`http://[::ffff:127.0.0.1]:${port}/hook`)).toMatch(/loopback/);
    expect(await refused('http://169.254.169.254/latest/meta-data/')).toBe('169.254.169.254 is linkLocal');
    expect(await refused('http://10.0.0.1/')).toBe('10.0.0.1 is private');
    expect(await refused(`http://2130706433:${port}/`)).toBe('127.0.0.1 is loopback'); // the URL parser normalises the decimal form
    expect(await refused('file:///etc/passwd')).toMatch(/file: URLs are not allowed/);
  });

  it('reaches the same receiver once its range is allowed on purpose', async () => {
    const allow = parseCidrList('127.0.0.1/32,::1/128');
    const res = await guardedRequest(new URL(`http://localhost:${port}/hook`), { ...base, allow, method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('ok');
    expect(hits.at(-1)).toBe('/hook');
  });

  it('does not follow a redirect, bounds the size and the time', async () => {
    const allow = parseCidrList('127.0.0.1/32');
    const r = await guardedRequest(new URL(`http://127.0.0.1:${port}/redirect`), { ...base, allow });
    expect(r.status).toBe(302);
    expect(hits).not.toContain('/after-redirect');
    const big = await guardedRequest(new URL(`http://127.0.0.1:${port}/big`), { ...base, allow }).catch((e: Error) => e);
    expect(big).toBeInstanceOf(RefusedTarget);
    expect((big as Error).message).toBe('answer is larger than 1000 bytes');
    const t0 = Date.now();
    const slow = await guardedRequest(new URL(`http://127.0.0.1:${port}/slow`), { ...base, timeoutMs: 200, allow }).catch((e: Error) => e);
    expect((slow as Error).message).toBe('no complete answer within 200 ms');
    expect(Date.now() - t0).toBeLessThan(1500);
  });
});
