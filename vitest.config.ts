import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // PGlite boots take seconds on 2 cores; the embedded engine is shared per test file.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
