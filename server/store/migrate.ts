import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';

const DIR = join(import.meta.dirname, 'migrations');

/**
 * Applies `migrations/NNN_name.sql` in number order, each once, inside a
 * transaction; the applied numbers live in `schema_migrations`.
 * Returns the numbers applied by this call.
 */
export function migrate(db: Database.Database): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const done = appliedMigrations(db);
  const files = migrationFiles();
  const applied: number[] = [];
  for (const file of files) {
    const version = Number.parseInt(file, 10);
    if (done.has(version)) continue;
    const sql = readFileSync(join(DIR, file), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(version, file, new Date().toISOString());
    })();
    applied.push(version);
  }
  return applied;
}

/** The migration files this build of Callflow has, in number order. */
export function migrationFiles(): string[] {
  return readdirSync(DIR).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();
}

/** The migration numbers recorded as applied in this database. */
export function appliedMigrations(db: Database.Database): Set<number> {
  return new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
}

/**
 * What /readyz reports: the numbers of this build's migrations not applied to the database (another instance on an
 * older build opened it, or it was restored from an older backup), and how many are applied.
 */
export function migrationState(db: Database.Database): { applied: number; pending: number[] } {
  const done = appliedMigrations(db);
  const pending = migrationFiles().map((f) => Number.parseInt(f, 10)).filter((v) => !done.has(v));
  return { applied: done.size, pending };
}
