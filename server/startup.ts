/**
 * What `npm start` (main.ts) tells a person, kept apart so it can be tested:
 * the fatal line when the port cannot be used, the first-start banner and the
 * test-call command.
 */

/** The one fatal line for a listen error (a busy port is the usual one). */
export function listenFailure(err: NodeJS.ErrnoException, port: number): string {
  if (err.code === 'EADDRINUSE') return `port ${port} is in use: set PORT=… or stop the other server`;
  if (err.code === 'EACCES') return `port ${port} needs more privileges: set PORT=… (e.g. PORT=3000)`;
  return `cannot listen on port ${port}: ${err.message}`;
}

/** `npx callflow call NUMBER --digits 1`, with `--url` when the server is not on the CLI's default (port 3000). */
export function testCallCommand(number: string, publicUrl: string, port: number): string {
  return `npx callflow call ${number} --digits 1${port === 3000 ? '' : ` --url ${publicUrl}`}`;
}

/**
 * The interface `npm start` listens on: HOST when set; else 127.0.0.1 while the sandbox is mounted (no
 * TELNYX_API_KEY: its test routes place calls and send texts for anyone who can reach them), else undefined =
 * every interface (Telnyx must reach a live server).
 */
export function listenHost(env: NodeJS.ProcessEnv, sandbox: boolean): string | undefined {
  const host = env.HOST?.trim();
  if (host) return host;
  return sandbox ? '127.0.0.1' : undefined;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Where the server listens, for a person: `127.0.0.1:3000 (this machine only; …)` or `every interface, port 3000`. */
export function listenDescription(host: string | undefined, port: number): string {
  if (!host || host === '0.0.0.0' || host === '::') return `every interface, port ${port}`;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return LOOPBACK.has(host) ? `${where} (this machine only; HOST=0.0.0.0 opens it to your network)` : where;
}

/** The plain banner of the very first start: where the builder is, how the owner signs in, the API key, and how to place a test call. */
export function firstStartBanner(o: { publicUrl: string; port: number; apiKey?: string; company: string; testNumber?: string; sandbox: boolean; host?: string; owner?: { email: string; url: string } }): string {
  const lines = [
    '',
    o.apiKey ? `Callflow is set up: created "${o.company}".` : `Callflow has sign-in now: created the owner of "${o.company}".`,
    `  Builder:    ${o.publicUrl}`,
    `  Listening:  ${listenDescription(o.host, o.port)}`,
  ];
  if (o.owner) {
    lines.push(`  Sign in as: ${o.owner.email}`, `  Password:   set it once at ${o.owner.url}`,
      '              (valid 7 days; later, “Forgot password?” prints a new link here)');
  }
  if (o.apiKey) lines.push(`  API key:    ${o.apiKey}`, '              (for scripts; shown only now; `npx callflow admin create-key` issues another one)');
  if (o.sandbox && o.testNumber) lines.push(`  Test call:  ${testCallCommand(o.testNumber, o.publicUrl, o.port)}`);
  else lines.push('  Test call:  call your Telnyx number once it points at this server (see server/README.md)');
  lines.push('');
  return `${lines.join('\n')}\n`;
}
