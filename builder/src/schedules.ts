import { useCallback, useEffect, useState } from 'react';
import type { ScheduleEnv } from '../../engine/types.js';
import { api } from './api.js';

/** A shared schedule as `GET /api/schedules` lists it. */
export interface ScheduleView extends Omit<ScheduleEnv, 'temporary' | 'timezone'> {
  timezone: string;
  id: string; revision: number; temporary: (NonNullable<ScheduleEnv['temporary']> & { setBy?: string }) | null;
  now: { port: string; reason: string };
}

/** The schedules as the engine takes them (Env.schedules): what the simulator and the hours preview route by. */
export function scheduleEnvs(list: ScheduleView[] | null): Record<string, ScheduleEnv> {
  return Object.fromEntries((list ?? []).map(({ id, name, timezone, weekly, holidays, overrides, temporary }) => [id, {
    name, timezone, weekly, holidays, overrides, ...(temporary ? { temporary: { state: temporary.state, until: temporary.until, ...(temporary.note ? { note: temporary.note } : {}) } } : {}),
  }]));
}

/** The company's shared schedules (null until loaded, [] when the server has none or cannot be reached), and a reload. */
export function useSchedules(): { schedules: ScheduleView[] | null; reload: () => void; error: string } {
  const [schedules, setSchedules] = useState<ScheduleView[] | null>(null);
  const [error, setError] = useState('');
  const reload = useCallback(() => {
    api<{ schedules: ScheduleView[] }>('GET', '/api/schedules').then((r) => { setSchedules(r.schedules); setError(''); }, (e) => { setSchedules([]); setError((e as Error).message); });
  }, []);
  useEffect(reload, [reload]);
  return { schedules, reload, error };
}
