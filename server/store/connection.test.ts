import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { Batcher } from './unit-of-work.js';
import { Connection } from './connection.js';

// Connection.watch: a cache of a table's rows hears of every write of this connection that may change them,
// found from the SQL and the schema, so no repo (nor one written later) has to remember to drop anything.
const opened: Database.Database[] = [];
afterEach(() => { for (const d of opened.splice(0)) if (d.open) d.close(); });

function setup() {
  const raw = new Database(':memory:');
  opened.push(raw);
  raw.pragma('foreign_keys = ON');
  raw.exec(`CREATE TABLE owners (id TEXT PRIMARY KEY, grp TEXT REFERENCES groups(id) ON DELETE CASCADE);
    CREATE TABLE groups (id TEXT PRIMARY KEY);
    CREATE TABLE items (id TEXT PRIMARY KEY, owner TEXT REFERENCES owners(id) ON DELETE CASCADE, n INTEGER);
    CREATE TABLE notes (id TEXT PRIMARY KEY, owner TEXT REFERENCES owners(id));
    CREATE TABLE audit (id INTEGER PRIMARY KEY, item TEXT);
    CREATE TRIGGER audit_sweeps AFTER INSERT ON audit BEGIN DELETE FROM items WHERE id = NEW.item; END;
    CREATE TABLE other (id INTEGER PRIMARY KEY);
    CREATE TABLE loose (id INTEGER PRIMARY KEY, owner TEXT REFERENCES owners(id) DEFERRABLE INITIALLY DEFERRED)`);
  const batch = new Batcher(raw, ':memory:');
  const db = new Connection(raw, batch);
  let drops = 0;
  db.watch('items', () => { drops++; });
  raw.exec("INSERT INTO groups VALUES ('g'); INSERT INTO owners VALUES ('o', 'g'), ('p', 'g')");
  return { db, batch, dropped: () => { const n = drops; drops = 0; return n; } };
}

describe('Connection.watch', () => {
  it('drops after a write naming the table, a cascading parent (transitively) or a table whose trigger names it', () => {
    const { db, dropped } = setup();
    db.prepare("INSERT INTO items VALUES ('i1', 'o', 1)").run();
    expect(dropped()).toBe(1);
    db.prepare("UPDATE items SET n = 2 WHERE id = 'i1'").run();
    expect(dropped()).toBe(1);
    db.prepare("DELETE FROM owners WHERE id = 'p'").run(); // cascades into items
    expect(dropped()).toBe(1);
    db.prepare("DELETE FROM groups WHERE id = 'nope'").run(); // groups → owners → items
    expect(dropped()).toBe(1);
    db.prepare("INSERT INTO audit (item) VALUES ('i1')").run(); // its trigger deletes from items
    expect(dropped()).toBe(1);
  });

  it('does not drop for writes that cannot reach the table, nor for reads', () => {
    const { db, dropped } = setup();
    db.prepare('INSERT INTO other VALUES (1)').run();
    db.prepare("INSERT INTO notes VALUES ('n', 'o')").run(); // a child without a cascade: its writes never change items
    db.prepare('SELECT * FROM items').all();
    expect(dropped()).toBe(0);
  });

  it('covers statements prepared before it was called, and drops on a rolled-back transaction', () => {
    const raw = new Database(':memory:');
    opened.push(raw);
    raw.exec('CREATE TABLE items (id TEXT PRIMARY KEY)');
    const db = new Connection(raw, new Batcher(raw, ':memory:'));
    const early = db.prepare("INSERT INTO items VALUES ('a')");
    let drops = 0;
    db.watch('items', () => { drops++; });
    early.run();
    expect(drops).toBe(1);
    const tx = db.transaction(() => { db.prepare('SELECT * FROM items').all(); throw new Error('undo'); });
    expect(() => tx()).toThrow('undo');
    expect(drops).toBe(2);
  });

  it('drops when a batch of unit work rolls back', async () => {
    const { db, batch, dropped } = setup();
    const unit = batch.unit();
    // Reaches no watched table, but its deferred foreign key fails the batch's COMMIT at the end of the turn.
    batch.join(unit, () => db.prepare("INSERT INTO loose VALUES (1, 'nobody')").run());
    expect(dropped()).toBe(0);
    await expect(unit.durable()).rejects.toThrow(/FOREIGN KEY/);
    expect(dropped()).toBe(1);
  });
});
