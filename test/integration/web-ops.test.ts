/**
 * The web page's profiles and reports panels in a real browser (Debian's chromium via playwright-core) against a
 * running monitor: take profiles, draw a flame graph, compare two profiles, generate a report and open it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { parseMonitorConfig } from '../../src/config.ts';
import { DEFAULT_WEB_ROOT, startMonitor, type RunningMonitor } from '../../src/main.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { launchChromium } from '../helpers/chromium.ts';

const chromiumPath = requireBinary('chromium');

describe(
  'profiles and reports in the web page',
  { skip: chromiumPath ? false : 'chromium not found (outside CI)' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-web-ops-'));
    let monitor: RunningMonitor | undefined;
    let browser: Browser | undefined;
    let page: Page;
    const pageErrors: string[] = [];

    before(async () => {
      assert.ok(existsSync(join(DEFAULT_WEB_ROOT, 'index.html')), 'web/dist is built (npm run build:web)');
      monitor = await startMonitor({
        config: parseMonitorConfig({
          listen: { host: '127.0.0.1', port: 0 },
          auth: { mode: 'disabled' },
          storage: { type: 'sqlite', path: join(dir, 'ui.db') },
          host: { enabled: false },
          reports: { schedule: { hourly: false, daily: false, weekly: false } },
        }),
        logger: pino({ level: 'silent' }),
      });
      browser = await launchChromium(chromiumPath!);
      page = await browser.newPage({ viewport: { width: 1300, height: 1800 } });
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      await page.goto(monitor.url);
    });
    after(async () => {
      await browser?.close();
      await monitor?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    const panel = (name: string) =>
      page.locator('section', { has: page.getByRole('heading', { name, exact: true }) });

    it('takes two heap profiles, draws a flame graph and compares them', async () => {
      const profiles = panel('Profiles');
      await profiles.getByRole('button', { name: 'Heap profile' }).click();
      await profiles.getByRole('cell', { name: '1', exact: true }).waitFor({ timeout: 15_000 });
      await profiles.getByRole('button', { name: 'Heap profile' }).click();
      await profiles.getByRole('cell', { name: '2', exact: true }).waitFor({ timeout: 15_000 });
      const row = (id: string) =>
        profiles.locator('tr', { has: page.getByRole('cell', { name: id, exact: true }) });
      await row('1').getByRole('button', { name: 'Flame graph' }).click();
      const fg = profiles.getByRole('img', { name: 'Flame graph of inuse_space' });
      await fg.waitFor({ timeout: 15_000 });
      assert.ok((await fg.locator('.flame-frame').count()) >= 1);
      await row('1').getByRole('button', { name: 'Compare…' }).click();
      await row('2').getByRole('button', { name: 'Compare with this' }).click();
      await profiles.getByRole('heading', { name: 'Gained (inuse_space)' }).waitFor({ timeout: 15_000 });
      await profiles.getByRole('heading', { name: 'Lost' }).waitFor();
      assert.equal(
        await row('1').getByRole('link', { name: 'pprof' }).getAttribute('href'),
        '/api/profiles/1',
      );
    });

    it('generates a report and links to it', async () => {
      const reports = panel('Reports');
      await reports.getByLabel('Format').selectOption('md');
      await reports.getByRole('button', { name: 'Generate report' }).click();
      const link = reports.getByRole('link', { name: /DWCP report #\d+/ });
      await link.waitFor({ timeout: 30_000 });
      const res = await page.request.get(
        new URL((await link.getAttribute('href'))!, monitor!.url).toString(),
      );
      assert.equal(res.status(), 200);
      assert.match(await res.text(), /## Incidents and anomalies/);
      assert.deepEqual(pageErrors, []);
    });
  },
);
