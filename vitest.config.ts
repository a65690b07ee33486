import { defineConfig } from 'vitest/config';
import { alias, projects } from './vitest.workspace.ts';

export default defineConfig({
  resolve: { alias },
  test: {
    projects,
    // In CI, also write the results as JSON so .ci/run can print a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.tmp/vitest-results.json' }]] : ['default'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
