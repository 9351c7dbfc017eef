/**
 * A real SMTP server for tests (the `smtp-server` package on a free loopback port) that keeps every message it
 * accepted, raw, and can be told to refuse (a 451 "try again later", a 550) or be stopped and started again on the same
 * port (connection refused in between). `parseMime` reads enough of a message (mailparser is not installed): the
 * headers, the text part and the attachments' bytes.
 */
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface TestSmtp {
  port: number;
  /** Raw messages accepted, with their envelope recipients. */
  received: { raw: string; to: string[] }[];
  /** While set, every message is refused with this answer (451: try later; 550: refused for good). */
  refuse: { code: number; text: string } | undefined;
  /** How many DATA commands arrived (accepted or refused). */
  attempts: number;
  /** `user:password` of every AUTH (any login is accepted). */
  logins: string[];
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

export async function startSmtp(port = 0): Promise<TestSmtp> {
  let server: SMTPServer;
  const t: TestSmtp = {
    port, received: [], refuse: undefined, attempts: 0, logins: [],
    async stop() { await new Promise<void>((r) => server.close(() => r())); },
    async start() {
      server = new SMTPServer({
        authOptional: true, allowInsecureAuth: true, disabledCommands: ['STARTTLS'], logger: false, closeTimeout: 500,
        onAuth(auth, _session, cb) { t.logins.push(`${auth.username}:${auth.password}`); cb(null, { user: auth.username }); },
        onData(stream, session, cb) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            t.attempts++;
            if (t.refuse) return cb(Object.assign(new Error(t.refuse.text), { responseCode: t.refuse.code }));
            t.received.push({ raw: Buffer.concat(chunks).toString('utf8'), to: session.envelope.rcptTo.map((r) => r.address) });
            cb();
          });
        },
      });
      await new Promise<void>((r) => server.listen(t.port, '127.0.0.1', () => r()));
      t.port = (server.server.address() as AddressInfo).port;
    },
  };
  await t.start();
  return t;
}

export interface MimePart { headers: Record<string, string>; body: Buffer; parts: MimePart[] }

function headersOf(block: string): Record<string, string> {
  const h: Record<string, string> = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) h[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return h;
}

function decode(body: string, encoding = '7bit'): Buffer {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64');
  if (/quoted-printable/i.test(encoding)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, x: string) => String.fromCharCode(parseInt(x, 16)));
    return Buffer.from(bytes, 'latin1');
  }
  return Buffer.from(body, 'utf8');
}

/** Parses a MIME message (multipart nested, base64 / quoted-printable / 7bit bodies). */
export function parseMime(raw: string): MimePart {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = headersOf(raw.slice(0, split));
  const rest = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  if (!boundary) return { headers, body: decode(rest, headers['content-transfer-encoding']), parts: [] };
  const parts = rest.split(`--${boundary}`).slice(1).filter((p) => !p.startsWith('--')).map((p) => parseMime(p.replace(/^\r?\n/, '').replace(/\r?\n$/, '')));
  return { headers, body: Buffer.alloc(0), parts };
}

/** Every leaf part, depth first. */
export const leaves = (p: MimePart): MimePart[] => (p.parts.length ? p.parts.flatMap(leaves) : [p]);
