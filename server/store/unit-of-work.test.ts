import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupCommit } from './group-commit.js';
import { openSqliteStore } from './sqlite.js';

const dirs: string[] = [];
const opened: Database.Database[] = [];
afterEach(() => {
  for (const d of opened.splice(0)) if (d.open) d.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function files() {
  const dir = mkdtempSync(join(tmpdir(), 'cf-group-'));
  dirs.push(dir);
  return join(dir, 'x.db');
}
function conn(file: string) {
  const db = new Database(file);
  opened.push(db);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
function setup() {
  const file = files();
  const db = conn(file);
  db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE);
    CREATE TABLE parent (id INTEGER PRIMARY KEY);
    CREATE TABLE child (id INTEGER PRIMARY KEY, p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)`);
  const g = groupCommit(db);
  const other = conn(file);
  const count = (d: Database.Database = other) => (d.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
  return { db, g, other, count };
}

describe('group commit', () => {
  it('commits the work of one turn together, and only then resolves', async () => {
    const { db, g, count } = setup();
    const insert = (v: string) => () => Number(db.prepare('INSERT INTO t (v) VALUES (?)').run(v).lastInsertRowid);
    const a = g.run(insert('a')), b = g.run(insert('b'));
    expect(count(db)).toBe(2); // this connection sees its own work at once
    expect(count()).toBe(0); // nobody else before the commit
    let resolved = false;
    void a.then(() => { resolved = true; });
    await Promise.resolve();
    expect(resolved).toBe(false);
    expect(await Promise.all([a, b])).toEqual([1, 2]);
    expect(count()).toBe(2);
  });

  it('undoes a piece (a db.transaction: a savepoint in the group) that throws alone', async () => {
    const { db, g, count } = setup();
    const ok = g.run(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('a'));
    const bad = g.run(db.transaction(() => {
      db.prepare('INSERT INTO t (v) VALUES (?)').run('b');
      db.prepare('INSERT INTO t (v) VALUES (?)').run('a'); // UNIQUE: the piece fails, its 'b' goes too
    }));
    await expect(bad).rejects.toThrow(/UNIQUE/);
    await ok;
    expect(count()).toBe(1);
  });

  it('commits an open group before any other write, so no other write waits in it', async () => {
    const { db, g, count } = setup();
    const grouped = g.run(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('a'));
    db.prepare('INSERT INTO t (v) VALUES (?)').run('outside'); // a plain write: the group commits first
    expect(count()).toBe(2); // both durable now, before the turn ended
    await grouped;
    g.run(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('b'));
    db.transaction(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('c'))();
    expect(count()).toBe(4);
    g.run(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('d'));
    db.exec("INSERT INTO t (v) VALUES ('e')");
    expect(count()).toBe(6);
    // A read does not: it sees the group's work, others do not yet.
    const f = g.run(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('f'));
    expect(count(db)).toBe(7);
    expect(count()).toBe(6);
    await f;
    expect(count()).toBe(7);
  });

  it('rejects every member when the commit fails, and the rest of that turn', async () => {
    const { db, g, count } = setup();
    const a = g.run(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('a'));
    const b = g.run(() => db.prepare('INSERT INTO child (id, p) VALUES (1, 42)').run()); // deferred FK: fails at COMMIT
    await expect(a).rejects.toThrow(/FOREIGN KEY/);
    await expect(b).rejects.toThrow(/FOREIGN KEY/);
    await expect(g.run(() => 1)).rejects.toThrow(/failed in this turn/);
    expect(count()).toBe(0);
    await new Promise((r) => setImmediate(r));
    await g.run(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('later'));
    expect(count()).toBe(1);
  });

  it('two stores on one file in one process: a write on one while the other has an open group does not wait', async () => {
    const file = files();
    const s1 = openSqliteStore(file), s2 = openSqliteStore(file);
    const { company } = await s1.createCompany('A');
    const pending = s1.recordWebhook({ receivedAt: 't', kind: 'texml', method: 'POST', path: '/x', headers: {}, rawBody: '', eventId: null, callId: null, companyId: null, status: 200, answer: '' });
    const t0 = performance.now();
    await s2.putMember({ companyId: company.id, id: '1', name: 'm', to: '+13125550001', status: 'available', workingHours: null });
    expect(performance.now() - t0).toBeLessThan(1000); // would sit out busy_timeout (5 s) on this thread otherwise
    expect(await pending).toBeGreaterThan(0);
    expect((await s1.listMembers(company.id)).length).toBe(1);
    await s1.close();
    await s2.close();
  });
});
