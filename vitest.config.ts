import { defineConfig } from 'vitest/config'

// One `pnpm test` runs every suite: each package is a project with its own include list.
// Suites that start real servers (contract, attacks, bench smoke, scenarios) get longer timeouts.
export default defineConfig({
  test: {
    passWithNoTests: true,
    projects: [
      { test: { name: 'shared', root: './apps/shared', include: ['src/**/*.test.ts'] } },
      {
        test: {
          name: 'stateful',
          root: './apps/stateful',
          include: ['src/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'stateless',
          root: './apps/stateless',
          include: ['src/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      { test: { name: 'lab', root: './apps/lab', include: ['src/**/*.test.ts'], testTimeout: 20_000 } },
      {
        test: {
          name: 'bench',
          root: './bench',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'contract',
          root: './test',
          include: ['contract/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'attacks',
          root: './test',
          include: ['attacks/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Headless Chromium against the lab (test/e2e): one lab, one browser, files one after another.
        test: {
          name: 'e2e',
          root: './test',
          include: ['e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
