/** Launching Debian's chromium for the browser tests (playwright-core): one set of arguments for every test. */
import { chromium, type Browser } from 'playwright-core';

/** No sandbox (containers), no GPU, nothing fetched in the background and no first-run pages. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches the chromium at `executablePath` (from `requireBinary('chromium')`, test/helpers/binaries.ts). */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
}
