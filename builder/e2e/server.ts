import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * Starts the real server exactly as `npm start` does (tsx server/main.ts) on
 * a free port with a fresh SQLite file, and reads what it prints on first start for the company it creates:
 * the API key, the owner's email and their one-time set-password link.
 */
export async function startServer(): Promise<{ url: string; apiKey: string; ownerEmail: string; setupLink: string; stop: () => Promise<void>; log: () => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'callflow-e2e-'));
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), CALLFLOW_DB: join(dir, 'callflow.db'), PUBLIC_URL: `http://127.0.0.1:${port}`, TELNYX_API_KEY: '' };
  delete (env as Record<string, string | undefined>).TELNYX_API_KEY;
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b) => { out += b; });
  child.stderr!.on('data', (b) => { out += b; });
  const apiKey = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${out}`)), 30_000);
    const check = () => {
      const key = /API key: +(cf_[^\s"\\]+)/.exec(out)?.[1]; // the stderr banner (the JSON log never has it)
      if (key && /listening on port/.test(out)) { clearTimeout(t); resolve(key); }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => { clearTimeout(t); reject(new Error(`server exited (${code}):\n${out}`)); });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    ownerEmail: /Sign in as: +(\S+)/.exec(out)?.[1] ?? '',
    setupLink: /Password: +set it once at (\S+)/.exec(out)?.[1] ?? '',
    log: () => out,
    stop: async () => {
      child.removeAllListeners('exit');
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
