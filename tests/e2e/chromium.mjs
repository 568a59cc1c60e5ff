// How every script here launches Debian's Chromium (tests, benchmark, screenshots).
// Playwright downloads no browser on this machine: never run `npx playwright install`.
export const CHROMIUM = {
  headless: true,
  executablePath: process.env.E2E_CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    // Without these Chromium keeps trying to reach the internet.
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
