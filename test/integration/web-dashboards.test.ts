/**
 * The dashboards view in a real browser (Debian's chromium driven by playwright-core) against a running monitor
 * that scrapes a simulated node: create a dashboard from a template, see its live updates, add a widget and save,
 * a stale save refused with a reload, PNG and PDF exports rendered by the server (non-blank, the PDF's text has the
 * title), a template variable picked from label values (kept in the URL, applied as a label value, carried by
 * the exports), deleting
 * after a confirmation (409 on a stale version shown), the 390 px mobile layout without sideways scrolling, and an
 * axe-core check without serious or critical violations in both themes — all signed in as the bootstrapped admin (authentication on, as `serve` runs), and a
 * viewer who can read a dashboard but not change it. The monitor, node and browser: web-dashboards-browser.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import type { RunningMonitor } from '../../src/main.ts';
import type { Cluster } from '../../src/sim/cluster.ts';
import { dashboardsBrowser, chromiumPath, pdftotext } from './web-dashboards-browser.ts';

describe(
  'dashboards in a real browser',
  { skip: chromiumPath && pdftotext ? false : 'chromium or poppler-utils not found (outside CI)' },
  () => {
    const ui = dashboardsBrowser();
    const { dir, pageErrors, authed, api, signedIn } = ui;
    let cluster: Cluster | undefined;
    let monitor: RunningMonitor | undefined;
    let page: Page;
    let id = '';
    before(() => {
      cluster = ui.cluster;
      monitor = ui.monitor;
      page = ui.page;
    });

    it('creates a dashboard from the Operations template and shows its widgets with live updates', async () => {
      await page.getByRole('button', { name: 'From the Operations template' }).click();
      await page.getByRole('heading', { name: 'Operations', level: 2 }).waitFor({ timeout: 15_000 });
      id = new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('id') ?? '';
      assert.match(id, /^[0-9a-f-]{36}$/);
      const updated = page.getByTestId('updated-at');
      await updated.getByText(/Updated \d\d:\d\d:\d\d/).waitFor({ timeout: 15_000 });
      const first = await updated.innerText();
      // The template refreshes every 5 s: the server pushes new data without a reload.
      await page.waitForFunction(
        (before) => document.querySelector('[data-testid="updated-at"]')?.textContent !== before,
        first.trim(),
        { timeout: 20_000 },
      );
      await page.getByRole('heading', { name: 'Throughput by component', level: 3 }).waitFor();
      await page.locator('[data-widget="throughput"] canvas').first().waitFor({ timeout: 20_000 });
      // Units from the catalog: the throughput legend reads bytes per second.
      await page
        .locator('[data-widget="throughput"] .legend-table td', { hasText: /B\/s$/ })
        .first()
        .waitFor({ timeout: 20_000 });
      assert.deepEqual(pageErrors, []);
    });

    it('adds a widget, saves it as a new version, and its data arrives', async () => {
      await page.getByRole('button', { name: 'Add widget', exact: true }).click();
      const form = page.getByRole('form', { name: 'Add a widget' });
      await form.getByLabel('Widget type').selectOption('stat');
      await form.getByLabel('Title').fill('Targets up (KPI)');
      await form.locator('select option[value="up"]').waitFor({ state: 'attached', timeout: 15_000 });
      await form.getByLabel(/^Metric/).selectOption('up');
      await form.getByLabel('Aggregation').selectOption('min');
      await form.getByRole('button', { name: 'Add widget' }).click();
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page
        .getByTestId('updated-at')
        .getByText(/version 2/)
        .waitFor({ timeout: 10_000 });
      await page.locator('[data-widget="targets-up-kpi"] .stat-value').waitFor({ timeout: 20_000 });
      const stored = await api<{
        data: { version: number; dashboard: { widgets: { id: string; type: string }[] } };
      }>(`api/dashboards/${id}`);
      assert.equal(stored.data.version, 2);
      assert.ok(stored.data.dashboard.widgets.some((w) => w.id === 'targets-up-kpi' && w.type === 'stat'));
    });

    it('refuses a save over a version changed elsewhere with a clear message, and reloads', async () => {
      const current = await api<{ data: { version: number; dashboard: Record<string, unknown> } }>(
        `api/dashboards/${id}`,
      );
      const changed = { ...current.data.dashboard, title: 'Operations (edited elsewhere)' };
      const put = await authed(`api/dashboards/${id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ version: current.data.version, dashboard: changed }),
      });
      assert.equal(put.status, 200);
      await page.getByRole('button', { name: 'Remove widget Targets up (KPI)' }).click();
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const alert = page.getByRole('alert').filter({ hasText: /saved this dashboard after you opened it/ });
      await alert.waitFor({ timeout: 10_000 });
      await alert.getByRole('button', { name: 'Reload' }).click();
      await page
        .getByRole('heading', { name: 'Operations (edited elsewhere)', level: 2 })
        .waitFor({ timeout: 10_000 });
      await page
        .getByTestId('updated-at')
        .getByText(/version 3/)
        .waitFor();
    });

    it('exports a PNG rendered by the server, not blank', async () => {
      const res = await authed(`api/dashboards/${id}/export.png`);
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(res.headers.get('content-type'), 'image/png');
      assert.match(res.headers.get('content-disposition') ?? '', /operations-edited-elsewhere\.png/);
      const png = Buffer.from(await res.arrayBuffer());
      assert.equal(png.subarray(1, 4).toString(), 'PNG');
      // Decode in the browser and count distinct colours of a sample of pixels: a blank page has one.
      const stats = await page.evaluate(async (b64) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width;
        canvas.height = img.height;
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        const data = ctx.getImageData(0, 0, img.width, img.height).data;
        const colours = new Set<number>();
        for (let i = 0; i < data.length; i += 4 * 97)
          colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
        return { width: img.width, height: img.height, colours: colours.size };
      }, png.toString('base64'));
      assert.ok(stats.width >= 1000 && stats.height >= 600, `PNG is ${stats.width}×${stats.height}`);
      assert.ok(stats.colours > 20, `PNG has ${stats.colours} distinct colours in its sample`);
    });

    it('exports a PDF rendered by the server whose text has the title and the widgets', async () => {
      const res = await authed(`api/dashboards/${id}/export.pdf`);
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(res.headers.get('content-type'), 'application/pdf');
      const pdf = Buffer.from(await res.arrayBuffer());
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
      const file = join(dir, 'dashboard.pdf');
      writeFileSync(file, pdf);
      const text = execFileSync(pdftotext!, ['-layout', file, '-']).toString();
      for (const s of ['Operations (edited elsewhere)', 'Throughput by component', 'Component health'])
        assert.ok(text.includes(s), `PDF text has "${s}"`);
      assert.ok(
        !text.includes('All dashboards'),
        'the export shows the dashboard without the console navigation',
      );
    });

    it('picks a template variable from the label values, keeps it in the URL, and evaluates the widgets with it', async () => {
      const node = cluster!.nodes[0]!.id;
      const spec = {
        title: 'Variables',
        refresh: '5s',
        timeRange: { from: 'now-15m', to: 'now' },
        variables: [
          {
            kind: 'label_values',
            name: 'node',
            label: 'Node',
            metric: 'dwcp_v3_resource_utilization_percent',
            labelName: 'node',
            multi: false,
          },
        ],
        widgets: [
          {
            type: 'stat',
            id: 'util',
            title: 'Utilisation of the node',
            gridPos: { x: 0, y: 0, w: 8, h: 4 },
            queries: [
              {
                kind: 'metric',
                refId: 'A',
                metric: 'dwcp_v3_resource_utilization_percent',
                agg: 'max',
                match: { node: '$node' },
              },
            ],
          },
        ],
      };
      const created = await authed('api/dashboards', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(spec),
      });
      assert.equal(created.status, 201, await created.clone().text());
      const varId = ((await created.json()) as { data: { id: string } }).data.id;
      const options = await api<{ data: { name: string; options: string[] }[] }>(
        `api/dashboards/${varId}/variables`,
      );
      assert.deepEqual(
        options.data.map((v) => [v.name, v.options]),
        [['node', [node]]],
      );
      const sockets: string[] = [];
      const varPage = await page.context().newPage();
      varPage.on('websocket', (ws) => sockets.push(ws.url()));
      try {
        await varPage.goto(`${monitor!.url}#/dashboards?id=${varId}`);
        const picker = varPage.getByRole('group', { name: 'Dashboard variables' });
        await picker.locator(`option[value="${node}"]`).waitFor({ state: 'attached', timeout: 15_000 });
        await picker.getByLabel('Node').selectOption(node);
        await varPage.waitForFunction((n) => location.hash.includes(`var-node=${n}`), node);
        const selected = `/ws/dashboards/${varId}?var%5Bnode%5D=${node}`;
        await varPage.locator('[data-widget="util"] .stat-value').waitFor({ timeout: 20_000 });
        assert.ok(
          sockets.some((u) => u.endsWith(selected)),
          `live updates asked with the selection: ${sockets.join(', ')}`,
        );
        // The exports carry the selection: the Grafana JSON names it as the variable's current.
        const grafanaHref = await varPage.getByRole('link', { name: 'Grafana JSON' }).getAttribute('href');
        assert.ok(grafanaHref?.includes(`var%5Bnode%5D=${node}`), `Grafana export link: ${grafanaHref}`);
        assert.ok(
          (await varPage.getByRole('link', { name: 'PNG' }).getAttribute('href'))?.endsWith(
            `export.png?var%5Bnode%5D=${node}`,
          ),
        );
        const grafana = await api<{ templating: { list: { name: string; current: { value: unknown } }[] } }>(
          grafanaHref!.replace(/^\//, ''),
        );
        assert.deepEqual(grafana.templating.list.find((v) => v.name === 'node')?.current.value, node);
        // The URL keeps the selection: a fresh page opens with it.
        await varPage.goto('about:blank');
        await varPage.goto(`${monitor!.url}#/dashboards?id=${varId}&var-node=${node}`);
        await varPage.locator('[data-widget="util"] .stat-value').waitFor({ timeout: 20_000 });
        assert.equal(
          await varPage.getByRole('group', { name: 'Dashboard variables' }).getByLabel('Node').inputValue(),
          node,
        );
        // A value is a label value, never query text: a matcher-breaking value selects nothing.
        await varPage.goto('about:blank');
        await varPage.goto(
          `${monitor!.url}#/dashboards?id=${varId}&var-node=${encodeURIComponent('x"} or vector(1) #')}`,
        );
        await varPage
          .locator('[data-widget="util"]')
          .getByText('No data in this time range.')
          .waitFor({ timeout: 20_000 });
      } finally {
        await varPage.close();
      }
    });

    it('deletes a dashboard after a confirmation; a version changed meanwhile is refused with a clear message', async () => {
      const created = await authed('api/dashboards/templates/executive', { method: 'POST' });
      assert.equal(created.status, 201, await created.clone().text());
      const rec = (
        (await created.json()) as {
          data: { id: string; version: number; dashboard: Record<string, unknown> };
        }
      ).data;
      const delPage = await page.context().newPage();
      try {
        await delPage.goto(`${monitor!.url}#/dashboards?id=${rec.id}`);
        await delPage
          .getByRole('heading', { name: 'Executive overview', level: 2 })
          .waitFor({ timeout: 15_000 });
        // Cancel keeps it.
        await delPage.getByRole('button', { name: 'Delete…' }).click();
        const dialog = delPage.getByRole('alertdialog');
        await dialog.getByText(/Delete the dashboard “Executive overview” \(version 1\)/).waitFor();
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        await dialog.waitFor({ state: 'detached' });
        assert.equal((await authed(`api/dashboards/${rec.id}`)).status, 200);
        // Changed elsewhere: the delete of version 1 is refused (409) and said so.
        const put = await authed(`api/dashboards/${rec.id}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ version: 1, dashboard: { ...rec.dashboard, title: 'Executive (renamed)' } }),
        });
        assert.equal(put.status, 200);
        await delPage.getByRole('button', { name: 'Delete…' }).click();
        await delPage.getByRole('alertdialog').getByRole('button', { name: 'Delete dashboard' }).click();
        const alert = delPage
          .getByRole('alert')
          .filter({ hasText: /changed after you opened version 1, so it was not deleted/ });
        await alert.waitFor({ timeout: 10_000 });
        assert.equal((await authed(`api/dashboards/${rec.id}`)).status, 200, 'still stored');
        await alert.getByRole('button', { name: 'Reload' }).click();
        await delPage
          .getByRole('heading', { name: 'Executive (renamed)', level: 2 })
          .waitFor({ timeout: 10_000 });
        // Confirmed on the current version: deleted, back to the list.
        await delPage.getByRole('button', { name: 'Delete…' }).click();
        await delPage
          .getByRole('alertdialog')
          .getByText(/\(version 2\)/)
          .waitFor();
        await delPage.getByRole('alertdialog').getByRole('button', { name: 'Delete dashboard' }).click();
        await delPage.waitForFunction(() => location.hash === '#/dashboards');
        await delPage.getByRole('heading', { name: /^Dashboards/, level: 2 }).waitFor();
        assert.equal((await authed(`api/dashboards/${rec.id}`)).status, 404);
        assert.equal(await delPage.getByRole('link', { name: 'Executive (renamed)' }).count(), 0);
      } finally {
        await delPage.close();
      }
    });

    it('lets a viewer read the dashboard and its export but not change it (403, nothing stored)', async () => {
      const created = await authed('api/auth/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'vera', password: 'viewer-password-1', role: 'viewer' }),
      });
      assert.equal(created.status, 201, await created.clone().text());
      const login = await fetch(`${monitor!.url}api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'vera', password: 'viewer-password-1', session: false }),
      });
      assert.equal(login.status, 200);
      const viewer = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;
      const current = await api<{ data: { version: number; dashboard: Record<string, unknown> } }>(
        `api/dashboards/${id}`,
      );
      assert.equal((await authed(`api/dashboards/${id}`, {}, viewer)).status, 200);
      const put = await authed(
        `api/dashboards/${id}`,
        {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            version: current.data.version,
            dashboard: { ...current.data.dashboard, title: 'changed by a viewer' },
          }),
        },
        viewer,
      );
      assert.equal(put.status, 403, await put.clone().text());
      assert.equal((await authed(`api/dashboards/${id}`, { method: 'DELETE' }, viewer)).status, 403);
      const after = await api<{ data: { version: number; dashboard: { title: string } } }>(
        `api/dashboards/${id}`,
      );
      assert.equal(after.data.version, current.data.version);
      assert.notEqual(after.data.dashboard.title, 'changed by a viewer');
      const viewerPage = await (
        await signedIn({ viewport: { width: 1300, height: 1000 } }, viewer)
      ).newPage();
      try {
        await viewerPage.goto(`${monitor!.url}#/dashboards?id=${id}`);
        await viewerPage.locator('[data-export-ready]').waitFor({ timeout: 30_000 });
        await viewerPage.getByText('vera · viewer').waitFor();
      } finally {
        await viewerPage.context().close();
      }
    });

    it('answers 404 for an unknown dashboard export', async () => {
      const res = await authed('api/dashboards/00000000-0000-4000-8000-000000000000/export.pdf');
      assert.equal(res.status, 404);
    });

    it('fits a 390 px wide phone without sideways scrolling', async () => {
      const phone = await (
        await signedIn({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 })
      ).newPage();
      try {
        for (const hash of [`#/dashboards?id=${id}`, '#/dashboards', '#/overview']) {
          await phone.goto(`${monitor!.url}${hash}`);
          if (hash.includes('id=')) await phone.locator('[data-export-ready]').waitFor({ timeout: 20_000 });
          else await phone.waitForTimeout(1500);
          const shot = await phone.screenshot({ fullPage: true });
          writeFileSync(join(dir, 'phone.png'), shot);
          assert.ok(shot.length > 10_000, 'the screenshot has content');
          const { scrollWidth, innerWidth } = await phone.evaluate(() => ({
            scrollWidth: document.scrollingElement!.scrollWidth,
            innerWidth: window.innerWidth,
          }));
          assert.ok(
            scrollWidth <= innerWidth,
            `${hash}: page is ${scrollWidth} px wide in a ${innerWidth} px viewport`,
          );
        }
      } finally {
        await phone.close();
      }
    });

    it('keeps the overview chart in the URL, with units in its legend, all metrics by family, and a banner when the API stops answering', async () => {
      const chartPage = await page.context().newPage();
      try {
        await chartPage.goto(
          `${monitor!.url}#/overview?metric=dwcp_v3_throughput_bytes_per_second&agg=sum&range=15m&refresh=2s`,
        );
        const chart = chartPage.locator('section', {
          has: chartPage.getByRole('heading', { name: 'Series', exact: true }),
        });
        assert.equal(await chart.getByLabel(/^Metric/).inputValue(), 'dwcp_v3_throughput_bytes_per_second');
        assert.equal(await chart.getByLabel('Time range').inputValue(), '15m');
        await chart.locator('.legend-table td', { hasText: /B\/s$/ }).first().waitFor({ timeout: 20_000 });
        // Every stored metric is offered (not only the first 50), grouped by family.
        const offered = await chart.locator('select optgroup option').count();
        const stored = (await api<{ data: string[] }>('api/metrics/search?limit=1000')).data.length;
        assert.equal(offered, stored);
        assert.ok(stored > 50, `${stored} metrics stored`);
        await chart.getByLabel('Aggregation').selectOption('max');
        await chartPage.waitForFunction(() => location.hash.includes('agg=max'));
        // The grouping input is the one shared with the add-widget form.
        await chart.getByLabel('Group by labels').fill('node');
        await chartPage.waitForFunction(() => location.hash.includes('by=node'));
        await chart.getByLabel('Group by labels').fill('');
        // rate of a gauge is warned about.
        await chart.getByLabel('Aggregation').selectOption('rate');
        await chart.getByText(/a gauge: rate is meant for counters/).waitFor({ timeout: 10_000 });
        // The backend stops answering: the chart keeps its data with a banner, and the page says it is stale.
        await chartPage.route('**/api/**', (r) => r.abort());
        await chartPage.route('**/health', (r) => r.abort());
        await chart
          .getByRole('alert')
          .getByText(/The API is not answering/)
          .waitFor({ timeout: 10_000 });
        await chartPage
          .getByTestId('stale-banner')
          .getByText(/The monitor is not answering/)
          .waitFor({ timeout: 10_000 });
        await chartPage.unrouteAll();
        await chartPage.getByTestId('stale-banner').waitFor({ state: 'detached', timeout: 10_000 });
      } finally {
        await chartPage.close();
      }
    });

    it('has no serious or critical accessibility violations (axe-core), in the light and the dark theme', async () => {
      await page.goto(`${monitor!.url}#/dashboards?id=${id}`);
      await page.locator('[data-export-ready]').waitFor({ timeout: 20_000 });
      for (const theme of ['light', 'dark']) {
        if (theme === 'dark') {
          await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
          assert.equal(await page.evaluate(() => document.documentElement.dataset['theme']), 'dark');
        }
        const result = await new AxeBuilder({ page }).analyze();
        const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(
          bad.map(
            (v) =>
              `${v.id} (${v.impact}): ${v.nodes
                .slice(0, 3)
                .map((n) => n.target.join(' '))
                .join(' | ')}`,
          ),
          [],
          `${theme} theme`,
        );
      }
      assert.deepEqual(pageErrors, []);
    });
  },
);
