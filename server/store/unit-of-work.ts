/**
 * Units of work: the writes one webhook makes on the hot path (a TeXML step's snapshot and answer, Call Control's
 * done flag, the webhook's log row), named explicitly. The webhook wrapper asks the store for a unit
 * (`store.unit()`), hands it down to the store methods that take part, and awaits `unit.durable()` before it
 * answers.
 *
 * The store's batcher commits the units of one event-loop turn together: one transaction (BEGIN at the first unit
 * write of the turn, COMMIT at the end of the turn, setImmediate) instead of one commit each. A commit (its WAL
 * pages, its lock) costs more than the statements in it; neighbours share pages.
 *
 * What holds, and why:
 * - Nothing is answered before it is on disk: `durable()` resolves only after the COMMIT of every batch the unit
 *   wrote in. A crash before the COMMIT loses the whole batch, and nobody was told anything about it; Telnyx
 *   retries and the step runs again.
 * - Each piece of work stays atomic: it is one statement or a transaction, which inside the batch runs as a
 *   savepoint, so a piece that throws is undone alone (a statement undoes itself).
 * - No write that is not a unit's joins the batch: every write of the store goes through its one write path
 *   (store/connection.ts), which commits the open batch before running a write that is not unit work. Reads do not
 *   commit it: they see what this process wrote a moment before it is committed (the answer of a racing duplicate,
 *   read back and sent only after its own unit is durable).
 * - A failed COMMIT rejects every unit in the batch; for the rest of that turn new unit work is refused too, since
 *   it may have read what was rolled back.
 * - The batcher belongs to one store (one connection). SQLite's write lock is the file's, though: when two stores
 *   of one process share a file (two server instances in one test process), a write on one while the other holds
 *   its batch open would wait for the lock on this very thread until busy_timeout. So the batchers of one file in
 *   one process know each other (`peers`, by file path: the one table of this module, kept to that purpose), and
 *   a write outside unit work, or a new batch, commits the peers' open batches first.
 */
import type Database from 'better-sqlite3';

/** One webhook's writes (from `store.unit()`), passed explicitly to the store methods that take part. */
export interface UnitOfWork {
  /**
   * Resolves once every write made in this unit so far is committed; rejects (once all their commits are decided)
   * when a commit of any of them failed (those writes were rolled back). Await it before anything leaves the process (an answer, a command, an SMS).
   */
  durable(): Promise<void>;
}

class Unit implements UnitOfWork {
  /** The commits of the batches this unit wrote in (one per turn it wrote in). */
  readonly batches: Promise<void>[] = [];
  constructor(readonly owner: Batcher) {}
  durable(): Promise<void> {
    if (!this.batches.length) return Promise.resolve();
    if (this.batches.length === 1) return this.batches[0]!;
    // Settled once every batch is: a rejection says which writes were lost only after the others are decided.
    return Promise.allSettled(this.batches).then((rs) => {
      const lost = rs.find((r) => r.status === 'rejected');
      if (lost) throw lost.reason;
    });
  }
}

/** The batchers of each database file open in this process (see above); ':memory:' databases share nothing. */
const peers = new Map<string, Set<Batcher>>();

/** The batch open in this turn: its commit, settled by `flush`. */
interface Batch { committed: Promise<void>; resolve: () => void; reject: (err: unknown) => void }

/** A store's batcher: the open batch of this turn, and whether unit work is running right now. */
export class Batcher {
  readonly #db: Database.Database;
  readonly #begin: Database.Statement;
  readonly #commit: Database.Statement;
  readonly #rollback: Database.Statement;
  #batch: Batch | undefined;
  #working = false;
  #refuse = false;
  readonly #file: string;
  readonly #peers: Set<Batcher> | undefined;
  readonly #rollbackListeners: (() => void)[] = [];

  /** `file`: the database file (its absolute path), or ':memory:'. */
  constructor(db: Database.Database, file: string) {
    this.#db = db;
    this.#begin = db.prepare('BEGIN');
    this.#commit = db.prepare('COMMIT');
    this.#rollback = db.prepare('ROLLBACK');
    this.#file = file;
    if (file !== ':memory:') {
      this.#peers = peers.get(file) ?? new Set();
      peers.set(file, this.#peers.add(this));
    }
  }

  /** Commits the open batch and forgets this batcher (the store is closing). */
  close(): void {
    this.flush();
    this.#peers?.delete(this);
    if (this.#peers && !this.#peers.size) peers.delete(this.#file);
  }

  /** Commits the other stores' open batches on this file: their write lock would make this thread wait for itself. */
  #flushPeers(): void {
    if (this.#peers && this.#peers.size > 1) for (const p of this.#peers) if (p !== this) p.flush();
  }

  /** Calls `listener` whenever a batch is rolled back (its COMMIT failed): caches of what was read inside it drop it. */
  onRollback(listener: () => void): void {
    this.#rollbackListeners.push(listener);
  }

  /** A new unit of work on this store. */
  unit(): UnitOfWork {
    return new Unit(this);
  }

  /**
   * Runs `work` now, inside this turn's batch, as part of `unit`, and returns its result (the write is visible to
   * this connection at once). Its commit is the unit's: `unit.durable()`. Throws what `work` throws (the piece is
   * undone alone), or when the batch of this turn failed already. `work` must be atomic by itself: one statement,
   * or a transaction (nested: a savepoint).
   */
  join<T>(unit: UnitOfWork, work: () => T): T {
    if (!(unit instanceof Unit) || unit.owner !== this) throw new Error('a unit of work of another store');
    if (this.#refuse) throw new Error('the previous batch commit failed in this turn');
    if (!this.#db.open) throw new Error('the database is closed');
    // SQLite rolled the batch back by itself (an I/O error mid-batch): its units cannot commit.
    if (this.#batch && !this.#db.inTransaction) this.flush();
    let batch = this.#batch;
    if (!batch) {
      this.#flushPeers();
      this.#begin.run();
      let resolve!: () => void, reject!: (err: unknown) => void;
      const committed = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
      committed.catch(() => {}); // handled by whoever awaits durable(); never an unhandled rejection in between
      batch = this.#batch = { committed, resolve, reject };
      setImmediate(() => this.flush());
    }
    this.#working = true;
    try {
      const value = work();
      if (unit.batches.at(-1) !== batch.committed) unit.batches.push(batch.committed);
      return value;
    } finally {
      this.#working = false;
    }
  }

  /**
   * Called before every write of the store (store/connection.ts): outside unit work, the open batch commits first
   * (and the open batches of the peers), so a write that is not a unit's never lands in it (and never waits on a
   * lock its own process holds). Inside unit work (a statement of a piece joined to a unit) it does nothing.
   */
  beforeWrite(): void {
    if (this.#working) return;
    this.flush();
    this.#flushPeers();
  }

  /** Commits the open batch now (end of turn, a write outside it, close). */
  flush(): void {
    const batch = this.#batch;
    if (!batch) return;
    this.#batch = undefined;
    try {
      if (!this.#db.open) throw new Error('the database was closed before the batch committed');
      this.#commit.run();
    } catch (err) {
      try { if (this.#db.open && this.#db.inTransaction) this.#rollback.run(); } catch { /* already rolled back */ }
      this.#refuse = true;
      setImmediate(() => { this.#refuse = false; });
      for (const l of this.#rollbackListeners) l();
      batch.reject(err);
      return;
    }
    batch.resolve();
  }
}
