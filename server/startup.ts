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

/** The plain banner of the very first start: where the builder is, the API key, and how to place a test call. */
export function firstStartBanner(o: { publicUrl: string; port: number; apiKey: string; company: string; testNumber?: string; sandbox: boolean }): string {
  const lines = [
    '',
    `Callflow is set up: created "${o.company}".`,
    `  Builder:    ${o.publicUrl}`,
    `  API key:    ${o.apiKey}`,
    '              (shown only now; `npx callflow admin create-key` issues another one)',
  ];
  if (o.sandbox && o.testNumber) lines.push(`  Test call:  ${testCallCommand(o.testNumber, o.publicUrl, o.port)}`);
  else lines.push('  Test call:  call your Telnyx number once it points at this server (see server/README.md)');
  lines.push('');
  return `${lines.join('\n')}\n`;
}
