/**
 * The world of the dashboards browser test: a running monitor (authentication on, as `serve` runs) scraping one
 * simulated node, Debian's chromium driven by playwright-core, and a page signed in as the bootstrapped admin
 * that opened the dashboards view. `dashboardsBrowser()` registers the start in the surrounding describe's
 * `before` and the stop in its `after`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { pino } from 'pino';
import { parseMonitorConfig } from '../../src/config.ts';
import { DEFAULT_WEB_ROOT, startMonitor, type RunningMonitor } from '../../src/main.ts';
import { startCluster, type Cluster } from '../../src/sim/cluster.ts';
import { adminBearer } from '../helpers/auth.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { launchChromium } from '../helpers/chromium.ts';

export const chromiumPath = requireBinary('chromium');
export const pdftotext = requireBinary('pdftotext');

/** What the tests use; `monitor` and `page` are there once the `before` ran. */
export interface DashboardsBrowser {
  /** The simulated node the monitor scrapes. */
  readonly cluster: Cluster | undefined;
  readonly monitor: RunningMonitor | undefined;
  readonly page: Page;
  /** A scratch directory, removed after the suite. */
  readonly dir: string;
  /** Errors thrown in `page`. */
  readonly pageErrors: string[];
  /** fetch of a monitor path with the admin's session token (or `token`). */
  authed(path: string, init?: RequestInit, token?: string): Promise<Response>;
  /** The JSON body of `authed(path, init)`. */
  api<T>(path: string, init?: RequestInit): Promise<T>;
  /** A browser context signed in with `token` (the console's session cookie). */
  signedIn(options: Parameters<Browser['newContext']>[0], token?: string): Promise<BrowserContext>;
}

/** Starts the monitor, the simulated node and the browser in `before`; stops them in `after`. */
export function dashboardsBrowser(): DashboardsBrowser {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-dash-ui-'));
  let cluster: Cluster | undefined;
  let monitor: RunningMonitor | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  let adminToken = '';
  /** fetch of a monitor path with the admin's session token (or `token`). */
  const authed = (path: string, init: RequestInit = {}, token = adminToken) =>
    fetch(`${monitor!.url}${path}`, {
      ...init,
      headers: {
        ...(init.headers as Record<string, string> | undefined),
        authorization: `Bearer ${token}`,
      },
    });
  const api = async <T>(path: string, init?: RequestInit): Promise<T> =>
    (await (await authed(path, init)).json()) as T;
  /** A browser context signed in with `token` (the console's session cookie). */
  const signedIn = async (options: Parameters<Browser['newContext']>[0], token = adminToken) => {
    const context = await browser!.newContext(options);
    await context.addCookies([{ name: 'dwcp_session', value: token, url: monitor!.url }]);
    return context;
  };

  before(async () => {
    assert.ok(existsSync(join(DEFAULT_WEB_ROOT, 'index.html')), 'web/dist is built (npm run build:web)');
    cluster = await startCluster({ nodes: 1, regions: ['us-east'], portBase: 0, warn: () => undefined });
    monitor = await startMonitor({
      config: parseMonitorConfig({
        listen: { host: '127.0.0.1', port: 0 },
        storage: { type: 'sqlite', path: join(dir, 'ui.db') },
        host: { enabled: false },
        targets: cluster.nodes.map((n) => ({
          id: n.id,
          url: `${n.url}/metrics`,
          labels: { region: n.region, node: n.id },
        })),
        reports: { schedule: { hourly: false, daily: false, weekly: false } },
      }),
      logger: pino({ level: 'silent' }),
    });
    adminToken = await adminBearer(monitor.url, dir);
    browser = await launchChromium(chromiumPath!);
    // A page of its own context: axe-core's builder needs one.
    page = await (await signedIn({ viewport: { width: 1300, height: 1000 } })).newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${monitor.url}#/dashboards`);
  });

  after(async () => {
    await browser?.close();
    await monitor?.stop();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  return {
    get cluster() {
      return cluster;
    },
    get monitor() {
      return monitor;
    },
    get page() {
      return page;
    },
    dir,
    pageErrors,
    authed,
    api,
    signedIn,
  };
}
