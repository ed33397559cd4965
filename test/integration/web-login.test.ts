/**
 * Logging in to the console in a real browser (Debian's chromium driven by playwright-core) against a monitor
 * that requires authentication: the page shows its login form, a wrong password is refused with a message, the
 * bootstrapped admin's password opens the console (HttpOnly cookie, invisible to scripts), logging out shows the
 * form again.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  'console login in a real browser',
  { skip: chromiumPath ? false : 'chromium not found (outside CI)' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-login-'));
    let monitor: RunningMonitor | undefined;
    let browser: Browser | undefined;
    let page: Page;
    const pageErrors: string[] = [];

    before(async () => {
      assert.ok(existsSync(join(DEFAULT_WEB_ROOT, 'index.html')), 'web/dist is built (npm run build:web)');
      monitor = await startMonitor({
        config: parseMonitorConfig({
          listen: { host: '127.0.0.1', port: 0 },
          host: { enabled: false },
          detection: { enabled: false },
          storage: { type: 'sqlite', path: join(dir, 'dwcp.db'), layout: 'rows' },
        }),
        logger: pino({ level: 'silent' }),
      });
      browser = await launchChromium(chromiumPath!);
      page = await browser.newPage();
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      await page.goto(monitor.url);
    });

    after(async () => {
      await browser?.close();
      await monitor?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('shows the login form, refuses a wrong password, logs in with the bootstrapped admin and logs out', async () => {
      await page.getByRole('heading', { name: 'Log in' }).waitFor({ timeout: 15_000 });
      await page.getByLabel('User name').fill('admin');
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('alert').filter({ hasText: 'unknown user or wrong password' }).waitFor();

      await page
        .getByLabel('Password')
        .fill(readFileSync(join(dir, 'initial-admin-password'), 'utf8').trim());
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { name: 'DWCP Monitor' }).waitFor();
      await page.getByText('admin · admin · default').waitFor();
      const cookie = (await page.context().cookies()).find((c) => c.name === 'dwcp_session');
      assert.ok(cookie && cookie.httpOnly && cookie.sameSite === 'Strict');
      assert.equal(
        await page.evaluate(() => document.cookie),
        '',
        'the session cookie is invisible to scripts',
      );

      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('heading', { name: 'Log in' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Log in' }).waitFor();
      assert.deepEqual(pageErrors, []);
    });
  },
);
