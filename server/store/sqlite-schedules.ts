import type { Connection } from './connection.js';
import type { ReadCache } from './read-cache.js';
import type { ScheduleRow, ScheduleStore } from './schedule-types.js';

type Row = Record<string, any>;
const scheduleRow = (r: Row): ScheduleRow => ({
  companyId: r.company_id, id: r.id, name: r.name, hours: JSON.parse(r.hours), temporary: r.temporary ? JSON.parse(r.temporary) : null,
  revision: r.revision, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** Shared schedules on SQLite (migration 018). A company's list is cached: every step through a shared schedule reads it. */
export function scheduleRepo(db: Connection, iso: () => string, cache: ReadCache): ScheduleStore {
  const lists = cache.table<ScheduleRow[]>();
  const one = (companyId: string, id: string) => db.prepare('SELECT * FROM schedules WHERE company_id = ? AND id = ?').get(companyId, id) as Row | undefined;
  return {
    async listSchedules(companyId) {
      return lists.get(companyId, () => (db.prepare('SELECT * FROM schedules WHERE company_id = ? ORDER BY id').all(companyId) as Row[]).map(scheduleRow));
    },
    async getSchedule(companyId, id) {
      const r = one(companyId, id);
      return r ? scheduleRow(r) : undefined;
    },
    async createSchedule(s) {
      lists.drop(s.companyId);
      const t = iso();
      const ok = db.prepare('INSERT INTO schedules (company_id, id, name, hours, temporary, revision, created_at, updated_at) VALUES (?, ?, ?, ?, NULL, 1, ?, ?) ON CONFLICT DO NOTHING')
        .run(s.companyId, s.id, s.name, JSON.stringify(s.hours), t, t).changes;
      return ok ? scheduleRow(one(s.companyId, s.id)!) : undefined;
    },
    async updateSchedule(companyId, id, revision, s) {
      lists.drop(companyId);
      const ok = db.prepare('UPDATE schedules SET name = ?, hours = ?, revision = revision + 1, updated_at = ? WHERE company_id = ? AND id = ? AND revision = ?')
        .run(s.name, JSON.stringify(s.hours), iso(), companyId, id, revision).changes;
      return ok ? scheduleRow(one(companyId, id)!) : undefined;
    },
    async setScheduleTemporary(companyId, id, temporary) {
      lists.drop(companyId);
      const ok = db.prepare('UPDATE schedules SET temporary = ?, revision = revision + 1, updated_at = ? WHERE company_id = ? AND id = ?')
        .run(temporary ? JSON.stringify(temporary) : null, iso(), companyId, id).changes;
      return ok ? scheduleRow(one(companyId, id)!) : undefined;
    },
    async deleteSchedule(companyId, id) {
      lists.drop(companyId);
      return db.prepare('DELETE FROM schedules WHERE company_id = ? AND id = ?').run(companyId, id).changes > 0;
    },
  };
}
