import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Batcher } from './unit-of-work.js';
import { Connection } from './connection.js';
import { openSqliteStore } from './sqlite.js';

const dirs: string[] = [];
const opened: Database.Database[] = [];
afterEach(() => {
  for (const d of opened.splice(0)) if (d.open) d.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function files() {
  const dir = mkdtempSync(join(tmpdir(), 'cf-unit-'));
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
const turn = () => new Promise((r) => setImmediate(r));

/** A batcher and the connection every write goes through, as the store has them; `other` reads what is committed. */
function setup() {
  const file = files();
  const raw = conn(file);
  raw.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE);
    CREATE TABLE parent (id INTEGER PRIMARY KEY);
    CREATE TABLE child (id INTEGER PRIMARY KEY, p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)`);
  const batch = new Batcher(raw, file);
  const db = new Connection(raw, batch);
  const other = conn(file);
  const count = (d: { prepare: (s: string) => { get: () => unknown } } = other) => (d.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
  const insert = (v: string) => () => Number(db.prepare('INSERT INTO t (v) VALUES (?)').run(v).lastInsertRowid);
  // A piece whose statement is fine but whose COMMIT fails (deferred foreign key).
  const breaksCommit = () => db.prepare('INSERT INTO child (id, p) VALUES (1, 42)').run();
  return { raw, batch, db, other, count, insert, breaksCommit };
}

describe('unit of work', () => {
  it('commits the units of one turn together, and durable() resolves only after that commit', async () => {
    const { batch, raw, count, insert } = setup();
    const u1 = batch.unit(), u2 = batch.unit();
    expect(batch.join(u1, insert('a'))).toBe(1);
    expect(batch.join(u2, insert('b'))).toBe(2);
    expect(count(raw)).toBe(2); // this connection sees its own work at once
    expect(count()).toBe(0); // nobody else before the commit
    let resolved = false;
    const d1 = u1.durable().then(() => { resolved = true; });
    await Promise.resolve();
    expect(resolved).toBe(false);
    await Promise.all([d1, u2.durable()]);
    expect(count()).toBe(2);
  });

  it('undoes a piece (a transaction: a savepoint in the batch) that throws alone', async () => {
    const { batch, db, count, insert } = setup();
    const ok = batch.unit(), bad = batch.unit();
    batch.join(ok, insert('a'));
    expect(() => batch.join(bad, db.transaction(() => {
      db.prepare('INSERT INTO t (v) VALUES (?)').run('b');
      db.prepare('INSERT INTO t (v) VALUES (?)').run('a'); // UNIQUE: the piece fails, its 'b' goes too
    }))).toThrow(/UNIQUE/);
    await ok.durable();
    expect(count()).toBe(1);
  });

  it('a write outside any unit never joins the open batch: the batch commits first, the write commits alone', async () => {
    const { batch, db, count, insert, breaksCommit } = setup();
    const doomed = batch.unit();
    batch.join(doomed, breaksCommit); // this batch will fail at COMMIT
    batch.join(doomed, insert('in-unit'));
    db.prepare('INSERT INTO t (v) VALUES (?)').run('statement'); // outside: had it joined, the failed COMMIT would take it too
    await expect(doomed.durable()).rejects.toThrow(/FOREIGN KEY/);
    expect(count()).toBe(1); // the outside write is there, the unit's is not

    const u = batch.unit();
    await turn(); // a new turn: the failed one refused work for its rest
    batch.join(u, breaksCommit);
    db.transaction(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('transaction'))();
    await expect(u.durable()).rejects.toThrow(/FOREIGN KEY/);
    await turn();
    batch.join(batch.unit(), breaksCommit);
    db.pragma('user_version = 7'); // a pragma too
    expect(other().pragma('user_version', { simple: true })).toBe(7);
    expect(count()).toBe(2);

    function other() { return conn((db.prepare('PRAGMA database_list').all() as { file: string }[])[0]!.file); }
  });

  it('a read does not commit the batch: it sees the unit\'s write, other connections do not yet', async () => {
    const { batch, raw, db, count, insert } = setup();
    const u = batch.unit();
    batch.join(u, insert('a'));
    expect(count(db)).toBe(1);
    expect(count()).toBe(0);
    await u.durable();
    expect(count()).toBe(1);
    expect(count(raw)).toBe(1);
  });

  it('rejects every unit of the batch when its commit fails, and unit work for the rest of that turn', async () => {
    const { batch, count, insert, breaksCommit } = setup();
    const a = batch.unit(), b = batch.unit();
    batch.join(a, insert('a'));
    batch.join(b, breaksCommit);
    await expect(a.durable()).rejects.toThrow(/FOREIGN KEY/);
    await expect(b.durable()).rejects.toThrow(/FOREIGN KEY/);
    expect(() => batch.join(batch.unit(), () => 1)).toThrow(/failed in this turn/);
    expect(count()).toBe(0);
    await turn();
    const later = batch.unit();
    batch.join(later, insert('later'));
    await later.durable();
    expect(count()).toBe(1);
  });

  it('a unit that wrote in two turns is durable once both committed, and not when the first failed', async () => {
    const { batch, count, insert, breaksCommit } = setup();
    const u = batch.unit();
    batch.join(u, breaksCommit);
    await turn();
    await turn();
    batch.join(u, insert('second'));
    await expect(u.durable()).rejects.toThrow(/FOREIGN KEY/);
    expect(count()).toBe(1); // the second batch committed; the unit still reports the first one's loss
    const v = batch.unit();
    batch.join(v, insert('x'));
    await turn();
    batch.join(v, insert('y'));
    await v.durable();
    expect(count()).toBe(3);
    expect(await batch.unit().durable()).toBeUndefined(); // nothing written: nothing to wait for
  });

  it('refuses a unit of another store', () => {
    const a = setup(), b = setup();
    expect(() => a.batch.join(b.batch.unit(), a.insert('x'))).toThrow(/another store/);
  });

  it('store methods join the unit they are given, and only then', async () => {
    const file = files();
    const s = openSqliteStore(file);
    const other = conn(file);
    const logged = () => (other.prepare('SELECT COUNT(*) AS n FROM webhooks').get() as { n: number }).n;
    const row = { receivedAt: 't', kind: 'texml' as const, method: 'POST', path: '/x', headers: {}, rawBody: '', eventId: null, callId: null, companyId: null, status: 200, answer: '' };
    const u = s.unit();
    await s.recordWebhook(row, u);
    expect(logged()).toBe(0); // written, not committed
    await u.durable();
    expect(logged()).toBe(1);
    await s.recordWebhook(row);
    expect(logged()).toBe(2); // no unit: committed by itself, at once
    await s.close();
  });

  it('two stores on one file in one process: a write on one while the other has an open batch does not wait', async () => {
    const file = files();
    const s1 = openSqliteStore(file), s2 = openSqliteStore(file);
    const { company } = await s1.createCompany('A');
    const u = s1.unit();
    await s1.recordWebhook({ receivedAt: 't', kind: 'texml', method: 'POST', path: '/x', headers: {}, rawBody: '', eventId: null, callId: null, companyId: null, status: 200, answer: '' }, u);
    const t0 = performance.now();
    await s2.putMember({ companyId: company.id, id: '1', name: 'm', to: '+13125550001', status: 'available', workingHours: null });
    expect(performance.now() - t0).toBeLessThan(1000); // would sit out busy_timeout (5 s) on this thread otherwise
    await u.durable();
    expect((await s1.listMembers(company.id)).length).toBe(1);
    await s1.close();
    await s2.close();
  });
});
