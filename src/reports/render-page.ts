/**
 * A page of this monitor's own console rendered to PNG or PDF in headless Chromium (playwright-core with a
 * system Chromium, the same launch as ./render-pdf.ts): dashboard exports. The page may load only its own
 * origin (every other request is refused), the render waits until the page marks itself ready (a selector),
 * and renders are bounded: at most `maxConcurrent` Chromium processes, at most `maxQueued` waiting, each within
 * `timeoutMs`.
 * @see https://playwright.dev/docs/api/class-page#page-screenshot
 * @see https://playwright.dev/docs/api/class-page#page-pdf
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { LimitExceededError, UnavailableError } from '../errors.ts';
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH } from './render-pdf.ts';

/** Formats of {@link PageRenderer.render}. */
export type PageFormat = 'png' | 'pdf';

/** Settings of a {@link PageRenderer}. */
export interface PageRendererOptions {
  readonly chromiumPath?: string;
  /** Chromium processes at once (default 2). */
  readonly maxConcurrent?: number;
  /** Renders waiting for a slot at most; more are refused (default 8). */
  readonly maxQueued?: number;
  /** Whole render (launch, load, ready, capture), ms (default 30 s). */
  readonly timeoutMs?: number;
  /** Viewport, CSS pixels (default 1280 × 900). */
  readonly width?: number;
  readonly height?: number;
}

/** Renders pages of one origin to PNG (full page) or PDF (A4 landscape, backgrounds printed). */
export class PageRenderer {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly o: Required<PageRendererOptions>;

  constructor(o: PageRendererOptions = {}) {
    this.o = {
      chromiumPath: DEFAULT_CHROMIUM_PATH,
      maxConcurrent: 2,
      maxQueued: 8,
      timeoutMs: 30_000,
      width: 1280,
      height: 900,
      ...o,
    };
  }

  /** Renders running and waiting for a slot now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /**
   * Loads `url`, waits for `readySelector`, and captures it.
   * @throws UnavailableError when Chromium is missing, fails, or the page is not ready within the timeout;
   *   LimitExceededError when `maxQueued` renders already wait.
   */
  async render(
    url: string,
    format: PageFormat,
    readySelector: string,
    headers: Readonly<Record<string, string>> = {},
  ): Promise<Buffer> {
    if (!existsSync(this.o.chromiumPath))
      throw new UnavailableError(
        `PNG and PDF export need Chromium, which is not installed at ${this.o.chromiumPath} (install Debian's chromium or set reports.chromiumPath)`,
      );
    await this.acquire();
    try {
      return await this.capture(url, format, readySelector, headers);
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.o.maxConcurrent) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.o.maxQueued)
      return Promise.reject(
        new LimitExceededError(
          `${this.o.maxConcurrent} exports are rendering and ${this.o.maxQueued} wait; try again shortly`,
        ),
      );
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  private async capture(
    url: string,
    format: PageFormat,
    readySelector: string,
    headers: Readonly<Record<string, string>>,
  ): Promise<Buffer> {
    const timeout = this.o.timeoutMs;
    const deadline = Date.now() + timeout;
    const left = () => Math.max(1, deadline - Date.now());
    const origin = new URL(url).origin;
    let browser;
    try {
      browser = await chromium.launch({
        executablePath: this.o.chromiumPath,
        args: [...CHROMIUM_ARGS],
        timeout,
      });
    } catch (e) {
      throw new UnavailableError(
        `Chromium did not start: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
        { cause: e },
      );
    }
    try {
      const page = await browser.newPage({
        viewport: { width: this.o.width, height: this.o.height },
        extraHTTPHeaders: { ...headers },
      });
      page.setDefaultTimeout(timeout);
      await page.route('**/*', (route) =>
        new URL(route.request().url()).origin === origin ? route.continue() : route.abort(),
      );
      await page.goto(url, { waitUntil: 'load', timeout: left() });
      await page.waitForSelector(readySelector, { timeout: left() });
      if (format === 'png') return await page.screenshot({ fullPage: true, type: 'png', timeout: left() });
      await page.emulateMedia({ media: 'screen' });
      return await page.pdf({
        format: 'A4',
        landscape: true,
        printBackground: true,
        margin: { top: '8mm', bottom: '8mm', left: '8mm', right: '8mm' },
      });
    } catch (e) {
      throw new UnavailableError(
        `rendering ${format.toUpperCase()} failed within ${timeout} ms: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
        { cause: e },
      );
    } finally {
      await browser.close();
    }
  }
}
