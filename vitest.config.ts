import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Projects with different worker limits must run in separate groups: unit first.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          // Every plan the integration tests make is made both ways — by checksums and by reading
          // every row — and refused when they disagree (issue 13: compare-rows.ts). Tests that
          // time or count a plan's work set PSSYNC_COMPARE themselves.
          env: { PSSYNC_COMPARE: 'both' },
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Files run in parallel, each in its own database; keep the 2-core machine responsive.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
