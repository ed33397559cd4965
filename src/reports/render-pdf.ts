/**
 * HTML → PDF with headless Chromium driven by playwright-core (a system Chromium, e.g. Debian's
 * /usr/bin/chromium; playwright never downloads a browser here). Chromium starts per document with flags that
 * keep it off the network (no background networking, component updates or sync) and every request of the page
 * is refused, so a report renders the same offline. A4 with backgrounds.
 * @see https://playwright.dev/docs/api/class-page#page-pdf
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { ConfigError, InvalidInputError } from '../errors.ts';

/** Chromium flags for headless rendering without network side traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** Default Chromium binary. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Largest HTML accepted (16 MiB). */
export const MAX_REPORT_HTML_BYTES = 16 * 1024 * 1024;

/**
 * Prints `html` to PDF.
 * @throws ConfigError when the Chromium binary does not exist; InvalidInputError for oversize HTML; playwright's
 *   errors when Chromium fails or exceeds `timeoutMs` (default 60 s).
 */
export async function renderPdf(
  html: string,
  opts: { readonly chromiumPath?: string; readonly timeoutMs?: number } = {},
): Promise<Buffer> {
  const path = opts.chromiumPath ?? DEFAULT_CHROMIUM_PATH;
  if (!existsSync(path))
    throw new ConfigError(
      `Chromium not found at ${path}: PDF reports need it (install Debian's chromium or set reports.chromiumPath)`,
    );
  if (Buffer.byteLength(html) > MAX_REPORT_HTML_BYTES)
    throw new InvalidInputError(`report HTML exceeds ${MAX_REPORT_HTML_BYTES} bytes`);
  const timeout = opts.timeoutMs ?? 60_000;
  const browser = await chromium.launch({ executablePath: path, args: [...CHROMIUM_ARGS], timeout });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(timeout);
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load', timeout });
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' },
    });
  } finally {
    await browser.close();
  }
}
