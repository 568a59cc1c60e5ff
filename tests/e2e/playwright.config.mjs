// Playwright configuration for the Event Loop Lab end-to-end tests.
//
// Runs against a release build (default ../../target/e2e-dist, or env E2E_DIST) served by
// server.mjs under /docs/lab/ (and /csp/lab/ with a strict CSP) on 127.0.0.1:E2E_PORT.
// Uses the system Chromium (/usr/bin/chromium, or env E2E_CHROMIUM); Playwright downloads no
// browser here, so never run `npx playwright install`.
//
//   cd tests/e2e && npx playwright test          (scripts/test.sh builds first, then runs this)
import { defineConfig } from '@playwright/test';
import { CHROMIUM } from './chromium.mjs';

const PORT = Number(process.env.E2E_PORT || 4178);
export const ORIGIN = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.mjs',
  outputDir: 'test-results',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0, // no retries: a flaky test must show up as a failure
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  use: {
    baseURL: ORIGIN,
    headless: true,
    serviceWorkers: 'allow',
    screenshot: 'only-on-failure',
    // No traces: the trace recorder snapshots the DOM on the page's own main thread,
    // which makes long tasks of its own (seen: 50-60 ms in worker runs) and would
    // pollute exactly what these tests measure. Failures keep their screenshot.
    trace: 'off',
    video: 'off',
    launchOptions: CHROMIUM,
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: 'node server.mjs',
    url: `${ORIGIN}/docs/lab/`,
    reuseExistingServer: false, // never test a stale build by accident
    timeout: 30_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { E2E_PORT: String(PORT) },
  },
});
