/**
 * WAL checkpoints off the event loop.
 *
 * SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL
 * pages: that commit copies the pages into the database file and fsyncs it,
 * on the thread that committed — here the event loop, stalled for several ms
 * about ten times a second under webhook load (p99 of a snapshot write 0.3 ms,
 * max 21 ms). Once a store has written enough to matter, a worker thread with
 * its own connection takes the checkpoints over:
 *
 * - every `intervalMs` a PASSIVE checkpoint copies what it can without waiting
 *   for anyone (the writer goes on appending meanwhile);
 * - a PASSIVE checkpoint never lets the WAL start over while writes keep
 *   coming, so past `restartFrames` pages a RESTART checkpoint waits for the
 *   current write to end, copies the few pages left and makes the next write
 *   start the WAL from the top (the writer waits only for that remainder);
 * - the store's own connection turns its automatic checkpoint off only once the
 *   worker is running, and back on if the worker ever stops.
 *
 * Durability is what it was: commits still go to the WAL first (WAL mode,
 * synchronous=NORMAL); only who copies them into the main file changed.
 */
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Tuning; the defaults suit a webhook server. */
export interface CheckpointOptions {
  /** Writes (hot-path commits) before the worker starts: short-lived stores (tests, CLI) never start one. */
  startAfterWrites?: number;
  intervalMs?: number;
  restartFrames?: number;
}

export interface Checkpointer {
  /** Count one commit; starts the worker once there were enough. */
  wrote(): void;
  /** Stops the worker (its connection closed) before the store closes its own. */
  close(): Promise<void>;
}

// Plain CommonJS, evaluated in the worker: no TS loader needed there (tests run under vitest, the server under tsx).
const WORKER = `
const { parentPort, workerData: o } = require('node:worker_threads');
const Database = require(o.driver);
const db = new Database(o.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r && r.log >= o.restartFrames) db.pragma('wal_checkpoint(RESTART)');
  } catch {
    // Busy or a transient I/O error: the next tick tries again.
  }
}, o.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
parentPort.postMessage('ready');
`;

/** The checkpointer of a file-backed connection in WAL mode (`file` is the connection's own path). */
export function checkpointer(db: Database.Database, file: string, o: CheckpointOptions = {}): Checkpointer {
  const startAfter = o.startAfterWrites ?? 2000;
  let writes = 0;
  let worker: Worker | undefined;
  let exited: Promise<void> | undefined;
  let closed = false;
  const autoOn = () => { if (db.open) db.pragma('wal_autocheckpoint = 1000'); };
  const start = () => {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const w = new Worker(WORKER, { eval: true, workerData: { driver, file, intervalMs: o.intervalMs ?? 100, restartFrames: o.restartFrames ?? 20_000 } });
    w.unref(); // never what keeps the process alive
    worker = w;
    exited = new Promise((resolve) => w.once('exit', () => resolve()));
    w.once('message', (m) => { if (m === 'ready' && !closed && db.open) db.pragma('wal_autocheckpoint = 0'); });
    // A worker that fails or stops on its own: the connection checkpoints itself again.
    w.once('error', () => { worker = undefined; autoOn(); });
    w.once('exit', () => { if (!closed) { worker = undefined; autoOn(); } });
  };
  return {
    wrote() {
      if (worker || closed || ++writes < startAfter) return;
      writes = -Infinity; // start once
      try { start(); } catch { autoOn(); }
    },
    async close() {
      closed = true;
      if (!worker) return;
      // Unref'd, the worker would not keep the process alive while it closes: a store closed with nothing
      // else pending (a CLI, a bench) would wait on an exit that never comes and the process would quit first.
      worker.ref();
      worker.postMessage('close');
      await exited;
      worker = undefined;
    },
  };
}
