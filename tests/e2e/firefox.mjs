// How the Firefox tests start Debian's Firefox ESR through geckodriver (both installed by
// scripts/setup.sh --test). Playwright drives only its own patched Firefox, which cannot be
// downloaded here, so these use the W3C WebDriver protocol through selenium-webdriver.
//
// Selenium Manager (which downloads drivers and browsers) is never asked: the driver's
// and the browser's paths are given, so selenium-webdriver has nothing to look up.
//
// Environment (all optional):
//   E2E_FIREFOX            the browser (default /usr/bin/firefox-esr)
//   E2E_GECKODRIVER        the driver (default: `geckodriver` on PATH, then ~/.cargo/bin)
//   E2E_GECKODRIVER_PORT   the driver's port (default: any free port)
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Builder } from 'selenium-webdriver';
import firefox from 'selenium-webdriver/firefox.js';

export const FIREFOX = process.env.E2E_FIREFOX || '/usr/bin/firefox-esr';

function geckodriverPath() {
  if (process.env.E2E_GECKODRIVER) return process.env.E2E_GECKODRIVER;
  const dirs = [
    ...(process.env.PATH || '').split(path.delimiter),
    path.join(process.env.CARGO_HOME || path.join(os.homedir(), '.cargo'), 'bin'),
  ];
  const found = dirs.map((d) => path.join(d, 'geckodriver')).find((p) => existsSync(p));
  if (!found) throw new Error('geckodriver not found: run scripts/setup.sh --test (or set E2E_GECKODRIVER)');
  return found;
}

/**
 * Starts headless Firefox ESR with BiDi on (for its console and error log) and returns
 * the selenium WebDriver. Quit it with `driver.quit()`, which also stops geckodriver.
 */
export async function startFirefox() {
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} not found: run scripts/setup.sh --test (or set E2E_FIREFOX)`);
  const options = new firefox.Options()
    .setBinary(FIREFOX)
    .addArguments('-headless')
    .enableBidi()
    // Without these Firefox checks the network for a captive portal and connectivity.
    .setPreference('network.captive-portal-service.enabled', false)
    .setPreference('network.connectivity-service.enabled', false);
  options.setAcceptInsecureCerts(false);
  const service = new firefox.ServiceBuilder(geckodriverPath());
  if (process.env.E2E_GECKODRIVER_PORT) service.setPort(Number(process.env.E2E_GECKODRIVER_PORT));
  const driver = await new Builder().forBrowser('firefox').setFirefoxOptions(options).setFirefoxService(service).build();
  // Runs are awaited inside executeScript; the longest (sliced) takes a few seconds.
  await driver.manage().setTimeouts({ script: 120_000, pageLoad: 30_000 });
  return driver;
}
