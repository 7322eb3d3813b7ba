import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // One `npm run package` per run, shared by the test files that read the template.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // vitest's default is one worker fewer than the cores: on the 2-core CI machine, one. Most
    // files wait on a simulator in their own process, so two keep both cores busy.
    maxWorkers: 2,
  },
});
