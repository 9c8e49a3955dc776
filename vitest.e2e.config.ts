import { defineConfig } from 'vitest/config';

// End-to-end tests: headless mode driven by Debian's Chromium through playwright-core.
// They run one file at a time because each starts a server and a browser.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
