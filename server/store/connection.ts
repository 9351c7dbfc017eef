/**
 * The store's one handle on its SQLite connection: the repos (sqlite*.ts) get this, never the better-sqlite3
 * object. It is the one place every write goes through, so a write that is not a unit's never lands in the open
 * batch (store/unit-of-work.ts): a write statement, a transaction or a pragma run outside unit work commits the
 * batch first. Reads run as they are.
 *
 * Being the one write path, it is also where a cache of a table's rows learns that they may have changed
 * (`watch`): no repo has to remember to drop anything, including the ones written later.
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

/** A cache watching a table: `touches` says whether a write statement's SQL may change the table's rows. */
interface Watcher { touches: RegExp; drop: () => void }

export class Connection {
  readonly #db: Database.Database;
  readonly #batch: Batcher;
  readonly #statements = new Map<string, Statement>();
  readonly #watchers: Watcher[] = [];
  /** Per write statement's SQL: the drops of the watchers it may concern (filled in by `watch` too). */
  readonly #drops = new Map<string, (() => void)[]>();

  constructor(db: Database.Database, batch: Batcher) {
    this.#db = db;
    this.#batch = batch;
    // The batch rolled back (a failed COMMIT): what was read inside it since its writes may never have been.
    batch.onRollback(() => this.#dropAll());
  }

  /** The statement for `sql` (prepared once). A write statement commits the open batch first unless it is unit work. */
  prepare(sql: string): Statement {
    let st = this.#statements.get(sql);
    if (st) return st;
    const raw = this.#db.prepare(sql) as Database.Statement<unknown[]>;
    const batch = this.#batch;
    if (raw.readonly) st = raw;
    else {
      const drops = this.#watchers.filter((w) => w.touches.test(sql)).map((w) => w.drop);
      this.#drops.set(sql, drops);
      // After the write (it threw: it undid itself); a read in between cannot happen, this is one synchronous run.
      const after = <R>(r: R): R => { for (const d of drops) d(); return r; };
      st = {
        run: (...p) => { batch.beforeWrite(); return after(raw.run(...p)); },
        get: (...p) => { batch.beforeWrite(); return after(raw.get(...p)); },
        all: (...p) => { batch.beforeWrite(); return after(raw.all(...p)); },
      };
    }
    this.#statements.set(sql, st);
    return st;
  }

  /** better-sqlite3's transaction function (nested in one: a savepoint); outside unit work it commits the open batch first. */
  transaction<A extends unknown[], R>(fn: (...a: A) => R): (...a: A) => R {
    const tx = this.#db.transaction(fn), batch = this.#batch;
    return (...a: A) => {
      batch.beforeWrite();
      try {
        return tx(...a);
      } catch (err) {
        // Rolled back: a read inside it after one of its writes may have been cached. Rare; drop them all.
        this.#dropAll();
        throw err;
      }
    };
  }

  /** A pragma (it may write: secure_delete, …), outside any batch. */
  pragma(source: string): unknown {
    this.#batch.beforeWrite();
    return this.#db.pragma(source);
  }

  /**
   * Calls `drop` after every write through this connection that may change `table`'s rows, and after a rollback:
   * a write statement whose SQL names the table, or names a table whose writes reach it — a parent its foreign
   * keys cascade from (ON DELETE / ON UPDATE CASCADE, SET NULL, SET DEFAULT; transitively), a table with a trigger
   * that names it. Read from the schema, so call it after the migrations. A false alarm only costs a reload.
   * (Writes by other connections are the read cache's `PRAGMA data_version` check: store/read-cache.ts.)
   */
  watch(table: string, drop: () => void): void {
    const names = this.#reaching(table);
    const w: Watcher = { touches: new RegExp(`\\b(?:${[...names].join('|')})\\b`, 'i'), drop };
    this.#watchers.push(w);
    for (const [sql, drops] of this.#drops) if (w.touches.test(sql)) drops.push(drop);
  }

  /** The tables whose writes may change `table`'s rows, itself included. */
  #reaching(table: string): Set<string> {
    const names = new Set<string>();
    const triggers = this.#db.prepare("SELECT tbl_name AS t, sql FROM sqlite_master WHERE type = 'trigger'").all() as { t: string; sql: string | null }[];
    const visit = (t: string) => {
      if (names.has(t.toLowerCase())) return;
      if (!/^\w+$/.test(t)) throw new Error(`watch: table name ${t} is not a plain identifier`);
      names.add(t.toLowerCase());
      const fks = this.#db.pragma(`foreign_key_list(${t})`) as { table: string; on_update: string; on_delete: string }[];
      for (const fk of fks) if ([fk.on_update, fk.on_delete].some((a) => a !== 'NO ACTION' && a !== 'RESTRICT')) visit(fk.table);
      const named = new RegExp(`\\b${t}\\b`, 'i');
      for (const tr of triggers) if (tr.sql && named.test(tr.sql)) visit(tr.t);
    };
    visit(table);
    return names;
  }

  #dropAll(): void {
    for (const w of this.#watchers) w.drop();
  }
}
