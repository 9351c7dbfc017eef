/**
 * A call routed by a shared schedule replays from its fixture offline and exactly: the step recorded the schedule
 * it read (StepEnv.schedules), so a replay whose own database holds the schedule changed (closed all week) still
 * answers as the call did; without the record, the replay follows today's schedule and differs.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { replayFixture, type FixtureFiles } from '../../server/fixtures/replay.js';
import { readFixtureDir } from '../../server/cli/fixture-replay.js';
import type { Store } from '../../server/store/types.js';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures');
const closedAllWeek = async (store: Store, companyId: string) => {
  await store.createSchedule({ companyId, id: 'us-office', name: 'US office', hours: { timezone: 'America/New_York', weekly: {}, holidays: [], overrides: [] } });
};
const withoutSteps = (f: FixtureFiles): FixtureFiles => ({ ...f, call: { ...f.call, steps: {} } });

describe.each(['shared-hours-open-texml', 'shared-hours-open-call-control'])('%s', (name) => {
  it('records the schedule with the step and replays it whatever the schedule says now', async () => {
    const files = readFixtureDir(join(DIR, name));
    const recorded = Object.values(files.call?.steps ?? {}).find((s) => s.schedules)?.schedules;
    expect(recorded?.['us-office']).toMatchObject({ name: 'US office', timezone: 'America/New_York', weekly: { mon: [{ open: '09:00', close: '17:00' }] } });
    const lines = await replayFixture(files, { prepare: closedAllWeek });
    expect(lines.every((l) => l.diff.length === 0)).toBe(true);
    // Fed nothing, the replay reads the schedule in its own database (closed all week): the call goes elsewhere.
    const today = await replayFixture(withoutSteps(files), { prepare: closedAllWeek });
    expect(today.some((l) => l.diff.length > 0)).toBe(true);
  });
});
