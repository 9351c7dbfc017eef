/**
 * The store's one handle on its SQLite connection: the repos (sqlite*.ts) get this, never the better-sqlite3
 * object. It is the one place every write goes through, so a write that is not a unit's never lands in the open
 * batch (store/unit-of-work.ts): a write statement, a transaction or a pragma run outside unit work commits the
 * batch first. Reads run as they are.
 *
 * It also keeps one prepared statement per SQL text for the life of the connection (preparing costs more than
 * most of our queries run). Safe here: no statement is iterated or switched to pluck/raw mode.
 */
import type Database from 'better-sqlite3';
import type { Batcher } from './unit-of-work.js';

/** A prepared statement as the repos use it. */
export interface Statement {
  run(...params: unknown[]): Database.RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export class Connection {
  readonly #db: Database.Database;
  readonly #batch: Batcher;
  readonly #statements = new Map<string, Statement>();

  constructor(db: Database.Database, batch: Batcher) {
    this.#db = db;
    this.#batch = batch;
  }

  /** The statement for `sql` (prepared once). A write statement commits the open batch first unless it is unit work. */
  prepare(sql: string): Statement {
    let st = this.#statements.get(sql);
    if (st) return st;
    const raw = this.#db.prepare(sql) as Database.Statement<unknown[]>;
    const batch = this.#batch;
    st = raw.readonly ? raw : {
      run: (...p) => { batch.beforeWrite(); return raw.run(...p); },
      get: (...p) => { batch.beforeWrite(); return raw.get(...p); },
      all: (...p) => { batch.beforeWrite(); return raw.all(...p); },
    };
    this.#statements.set(sql, st);
    return st;
  }

  /** better-sqlite3's transaction function (nested in one: a savepoint); outside unit work it commits the open batch first. */
  transaction<A extends unknown[], R>(fn: (...a: A) => R): (...a: A) => R {
    const tx = this.#db.transaction(fn), batch = this.#batch;
    return (...a: A) => { batch.beforeWrite(); return tx(...a); };
  }

  /** A pragma (it may write: secure_delete, …), outside any batch. */
  pragma(source: string): unknown {
    this.#batch.beforeWrite();
    return this.#db.pragma(source);
  }
}
