/**
 * Shared schedules (issue #13 item 4, migration 018): a company's named opening hours, which businessHours nodes
 * follow by `scheduleId`. `Store` extends {@link ScheduleStore}.
 */
import type { HoursData, Temporary } from '../../engine/nodes/hours.js';

/** The hours of a schedule: the businessHours rules, always with a time zone. */
export type ScheduleHours = HoursData & { timezone: string };

/** A temporary change as stored: who set it and how (`api`, `builder`, `sms +1312…`). */
export type StoredTemporary = Temporary & { setBy?: string; setAt?: string };

export interface ScheduleRow {
  companyId: string; id: string; name: string; hours: ScheduleHours; temporary: StoredTemporary | null;
  revision: number; createdAt: string; updatedAt: string;
}

export interface ScheduleStore {
  /** A company's schedules by id (cached between writes: every call step through a shared schedule reads them). */
  listSchedules(companyId: string): Promise<ScheduleRow[]>;
  getSchedule(companyId: string, id: string): Promise<ScheduleRow | undefined>;
  /** A new schedule at revision 1; undefined when the id is taken. */
  createSchedule(s: { companyId: string; id: string; name: string; hours: ScheduleHours }): Promise<ScheduleRow | undefined>;
  /** Replaces name and hours when the revision is still `revision` (one conditional write); undefined when it moved on or is gone. */
  updateSchedule(companyId: string, id: string, revision: number, s: { name: string; hours: ScheduleHours }): Promise<ScheduleRow | undefined>;
  /** Sets (or with null clears) the temporary change; the revision moves on. Undefined when there is no such schedule. */
  setScheduleTemporary(companyId: string, id: string, temporary: StoredTemporary | null): Promise<ScheduleRow | undefined>;
  deleteSchedule(companyId: string, id: string): Promise<boolean>;
}
