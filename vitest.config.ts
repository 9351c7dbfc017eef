import { defineConfig } from 'vitest/config';

/** Suites that load the machine (many calls, a killed server, Chromium, 10,000-case fuzzing): one file at a time, after the rest. */
const HEAVY = ['test/load/**/*.test.ts', 'test/faults/**/*.test.ts', 'test/fuzz/**/*.test.ts', 'builder/e2e/**/*.test.ts', 'bench/**/*.test.ts'];
const ALL = ['engine/**/*.test.ts', 'server/**/*.test.ts', 'builder/**/*.test.ts', 'test/**/*.test.ts', 'fixtures/**/*.test.ts', 'bench/**/*.test.ts'];

export default defineConfig({
  test: {
    reporters: ['default', './test/plain-summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'main', include: ALL, exclude: ['**/node_modules/**', ...HEAVY],
          testTimeout: 30_000, hookTimeout: 60_000, sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'heavy', include: HEAVY, exclude: ['**/node_modules/**'], fileParallelism: false,
          testTimeout: 30_000, hookTimeout: 60_000, sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
