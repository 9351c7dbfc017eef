/**
 * Group commit: the webhook writes of one event-loop turn share one
 * transaction, committed at the end of the turn (setImmediate), instead of one
 * commit each. A TeXML step's snapshot + answer and every webhook log row go
 * through here; a commit (BEGIN … COMMIT, its WAL pages) costs more than the
 * statements in it, and neighbours share pages.
 *
 * What still holds, and why:
 * - Nothing is answered before it is on disk as before: `run` resolves only
 *   after the COMMIT (the caller awaits it before it answers or acts). A
 *   crash before the COMMIT loses the whole group, and nobody was told
 *   anything about it; Telnyx retries and the step runs again.
 * - Each piece of work stays atomic: it is one statement or a db.transaction,
 *   which inside the group runs as a savepoint, so a piece that throws is
 *   undone alone (a statement undoes itself).
 * - No other write ever lands in an open group: every statement that writes,
 *   every db.transaction, exec and pragma outside group work commits the open
 *   groups of this process first (this store's, and any other store's, whose
 *   open write transaction would otherwise hold the lock while this thread
 *   waits for it). Reads do not commit it: they see what this process wrote
 *   a moment before it is committed (the answer of a racing duplicate, read
 *   back and sent only after its own group commits).
 * - A failed COMMIT rejects every member of the group; for the rest of that
 *   turn new work is refused too, since it may have read what was rolled back.
 */
import type Database from 'better-sqlite3';

export interface GroupCommit {
  /**
   * Runs `work` now inside this turn's transaction; resolves with its result once that transaction committed.
   * `work` must be atomic by itself: one statement, or a db.transaction function (nested: a savepoint).
   */
  run<T>(work: () => T): Promise<T>;
  /** Commits the open group now. */
  flush(): void;
}

type Waiter = { resolve: (v: unknown) => void; reject: (err: unknown) => void; value: unknown };

// Open groups of every store in this process: a write anywhere commits them first (see above).
const openGroups = new Set<() => void>();
const flushAll = (except?: () => void) => { for (const f of [...openGroups]) if (f !== except) f(); };

/** Installs group commit on a connection (call once, right after opening it). */
export function groupCommit(db: Database.Database): GroupCommit {
  const begin = db.prepare('BEGIN'), commit = db.prepare('COMMIT'), rollback = db.prepare('ROLLBACK');
  let waiters: Waiter[] = [];
  let open = false, inWork = false, refuse = false;

  const flush = () => {
    if (!open) return;
    open = false;
    openGroups.delete(flush);
    const ws = waiters;
    waiters = [];
    try {
      if (!db.open) throw new Error('the database was closed before the group committed');
      commit.run();
    } catch (err) {
      try { if (db.inTransaction) rollback.run(); } catch { /* already rolled back */ }
      refuse = true;
      setImmediate(() => { refuse = false; });
      for (const w of ws) w.reject(err);
      return;
    }
    for (const w of ws) w.resolve(w.value);
  };

  // Writes from outside group work commit the open groups first.
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const st = prepare(sql);
    if (!inWork && !st.readonly && openGroups.size) flushAll();
    return st;
  }) as typeof db.prepare;
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...a: unknown[]) => unknown) => {
    const tx = transaction(fn);
    const outer = (...a: unknown[]) => {
      if (!inWork && openGroups.size) flushAll();
      return tx(...a);
    };
    return Object.assign(outer, { default: outer, deferred: tx.deferred, immediate: tx.immediate, exclusive: tx.exclusive });
  }) as typeof db.transaction;
  for (const name of ['exec', 'pragma'] as const) {
    const orig = (db[name] as (...a: unknown[]) => unknown).bind(db);
    (db as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => {
      if (!inWork && openGroups.size) flushAll();
      return orig(...a);
    };
  }

  return {
    run<T>(work: () => T): Promise<T> {
      if (refuse) return Promise.reject(new Error('the previous group commit failed in this turn'));
      if (!db.open) return Promise.reject(new Error('the database is closed'));
      // SQLite rolled the group back by itself (an I/O error mid-group): its members cannot commit.
      if (open && !db.inTransaction) flush();
      if (!open) {
        flushAll(flush); // another store's open write transaction would make BEGIN … write wait on this very thread
        begin.run();
        open = true;
        openGroups.add(flush);
        setImmediate(flush);
      }
      inWork = true;
      let value: T;
      try {
        value = work();
      } catch (err) {
        return Promise.reject(err);
      } finally {
        inWork = false;
      }
      return new Promise<T>((resolve, reject) => waiters.push({ resolve: resolve as (v: unknown) => void, reject, value }));
    },
    flush,
  };
}
