import { existsSync } from 'node:fs';

/**
 * The headless browser the status page tests drive: Debian's chromium (ENGINE_CHROMIUM overrides the
 * path, and then the only one looked at), launched by playwright-core, which downloads nothing. `.ci/run` installs chromium, so CI never
 * skips; a machine without it skips these tests and says why.
 */
const override = process.env.ENGINE_CHROMIUM;
const CANDIDATES = override !== undefined && override !== '' ? [override] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const CHROMIUM: string | null = CANDIDATES.find((p) => existsSync(p)) ?? null;

export const NO_BROWSER = `no chromium found (looked at ${CANDIDATES.join(', ')}; set ENGINE_CHROMIUM or apt-get install chromium)`;
export const NO_BROWSER_MESSAGE = `${NO_BROWSER}: skipping the status page browser tests`;

export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  // --no-sandbox: CI containers run as root, where chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM!, headless: true, args: ['--no-sandbox'] });
}
