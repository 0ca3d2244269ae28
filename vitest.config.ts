import { defineConfig } from 'vitest/config';
import { ReliabilityReporter } from './test/helpers/reliability-report.js';
import { SummaryReporter } from './test/helpers/summary-reporter.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['./src/polyfills.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', new ReliabilityReporter(), new SummaryReporter()],
  },
});
