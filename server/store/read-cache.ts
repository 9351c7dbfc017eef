/**
 * Rows every engine step reads and almost never change — a company's name,
 * its team, a flow's round-robin cursors — kept in memory between writes.
 *
 * Correct invalidation, from two sides:
 * - this store's own writes drop the entries they touch (`drop`, `clear`);
 * - a write by any other connection to the same file (another process, the
 *   admin CLI) changes SQLite's `PRAGMA data_version` for this connection,
 *   and reads check it first (once per synchronous run of reads): one tiny
 *   statement instead of a query per table, and no stale row after someone
 *   else's commit.
 * Values are frozen: a caller that tried to change a cached row would throw
 * instead of corrupting what the next caller reads.
 */
import type { Connection } from './connection.js';

/** One named cache of this store; `get` reads through on a miss. */
export interface Cached<V> {
  get(key: string, load: () => V): V;
  drop(key: string): void;
  clear(): void;
}

export interface ReadCache {
  /** A cache for one kind of row (entries at most `max`; the whole cache is dropped past that). */
  table<V>(max?: number): Cached<V>;
}

const deepFreeze = <V>(v: V): V => {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
};

export function readCache(db: Connection): ReadCache {
  const version = db.prepare('PRAGMA data_version');
  const tables: Map<string, unknown>[] = [];
  let seen: number | undefined;
  let looked = false;
  /**
   * Drops everything when another connection committed since the last look. Reads made in one synchronous run
   * (no other JS in between, so none of this process's writes) look once: a commit elsewhere in those
   * microseconds is indistinguishable from one just after them.
   */
  const fresh = () => {
    if (looked) return;
    looked = true;
    queueMicrotask(() => { looked = false; });
    const v = (version.get() as { data_version: number }).data_version;
    if (v !== seen) {
      seen = v;
      for (const t of tables) t.clear();
    }
  };
  return {
    table<V>(max = 10_000): Cached<V> {
      const m = new Map<string, V>();
      tables.push(m);
      return {
        get(key, load) {
          fresh();
          if (m.has(key)) return m.get(key)!;
          const v = deepFreeze(load());
          if (m.size >= max) m.clear();
          // Absent rows are not kept: the next read looks again (a company or team created later is seen at once).
          if (v !== undefined) m.set(key, v);
          return v;
        },
        drop: (key) => void m.delete(key),
        clear: () => m.clear(),
      };
    },
  };
}
