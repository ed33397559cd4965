/**
 * The web page in a real browser (Debian's chromium driven by playwright-core) against a running monitor
 * that scrapes a simulated cluster: targets with health, the component grid, the live chart, the anomaly list
 * with live updates, acknowledging an anomaly, the incident of the down node (acknowledged with a name) and the
 * banner shown while notification delivery fails (the only receiver points at a closed port).
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
import { startCluster, type Cluster } from '../../src/sim/cluster.ts';
import { loadScenario } from '../../src/sim/scenario.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { launchChromium } from '../helpers/chromium.ts';

const chromiumPath = requireBinary('chromium');

describe(
  'web page in a real browser',
  { skip: chromiumPath ? false : 'chromium not found (outside CI)' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-ui-'));
    let cluster: Cluster | undefined;
    let monitor: RunningMonitor | undefined;
    let browser: Browser | undefined;
    let page: Page;
    const pageErrors: string[] = [];

    before(async () => {
      assert.ok(existsSync(join(DEFAULT_WEB_ROOT, 'index.html')), 'web/dist is built (npm run build:web)');
      cluster = await startCluster({
        nodes: 2,
        regions: ['us-east', 'eu-west'],
        portBase: 0,
        scenario: loadScenario('test/fixtures/scenario-ui.yaml', 2),
        warn: () => undefined,
      });
      monitor = await startMonitor({
        config: parseMonitorConfig({
          listen: { host: '127.0.0.1', port: 0 },
          auth: { mode: 'disabled' },
          storage: { type: 'sqlite', path: join(dir, 'ui.db') },
          targets: cluster.nodes.map((n) => ({
            id: n.id,
            url: `${n.url}/metrics`,
            labels: { region: n.region, node: n.id },
          })),
          alerting: {
            receivers: [
              { name: 'broken-hook', type: 'webhook', url: 'http://127.0.0.1:1/hook', timeout: '1s' },
            ],
            incidents: { groupWait: '0s' },
          },
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
      await cluster?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('shows every target with its health, and the down node with its error', async () => {
      // Scope to the Targets panel: other panels (capacity, regions) also name nodes.
      const targets = page.locator('section', {
        has: page.getByRole('heading', { name: 'Targets', exact: true }),
      });
      await targets.getByRole('cell', { name: 'node-1', exact: true }).waitFor({ timeout: 15_000 });
      const row = (id: string) =>
        targets.locator('tr', { has: page.getByRole('cell', { name: id, exact: true }) });
      await row('node-1').locator('.health-up').waitFor({ timeout: 15_000 });
      await row('host').locator('.health-up').waitFor({ timeout: 15_000 });
      await row('node-2').locator('.health-down').waitFor({ timeout: 20_000 });
      assert.match(await row('node-2').innerText(), /connection refused/);
    });

    it('shows the six components per region', async () => {
      await page.getByRole('heading', { name: 'Components by region' }).waitFor();
      for (const c of ['AMST', 'HDE', 'PBA', 'ASS', 'ACP', 'ITP']) {
        await page.getByRole('rowheader', { name: c, exact: true }).waitFor({ timeout: 15_000 });
      }
      await page.getByRole('columnheader', { name: 'us-east' }).waitFor({ timeout: 15_000 });
    });

    it('draws the live chart of a series', async () => {
      await page.locator('.chart canvas').first().waitFor({ timeout: 20_000 });
    });

    it('lists the target-down anomaly live and acknowledges it', async () => {
      await page.getByText('live', { exact: true }).waitFor({ timeout: 15_000 });
      const anomalies = page.locator('section', {
        has: page.getByRole('heading', { name: /Latest anomalies/ }),
      });
      // The metric cell reads `up` followed by the one-line summary naming the target that is down.
      const upRow = anomalies
        .locator('tr', { has: page.getByRole('cell', { name: /^up\s*critical: target \S+ is down/ }) })
        .first();
      await upRow.waitFor({ timeout: 20_000 });
      assert.match(await upRow.innerText(), /critical/);
      assert.match(await upRow.innerText(), /target node-\d+ is down/);
      await upRow.getByRole('button', { name: 'Acknowledge' }).click();
      await upRow.getByText('acknowledged').waitFor({ timeout: 10_000 });
      const res = (await (await fetch(`${monitor!.url}api/anomalies?limit=50`)).json()) as {
        data: { metric: string; acknowledged: boolean }[];
      };
      assert.ok(
        res.data.some((a) => a.metric === 'up' && a.acknowledged),
        'the acknowledgement reached the store',
      );
      assert.deepEqual(pageErrors, []);
    });

    it('shows the incident of the down node, acknowledges it with a name, and warns that delivery fails', async () => {
      const incidents = page.getByTestId('incidents');
      const row = incidents.locator('tr', { hasText: 'node-2' }).first();
      await row.waitFor({ timeout: 30_000 });
      assert.match(await row.innerText(), /critical/);
      await row.getByRole('button', { name: /up \(system\)/ }).click();
      await incidents.getByText('Root-cause candidates').waitFor({ timeout: 10_000 });
      await incidents.getByPlaceholder('e.g. alice').fill('alice');
      await row.getByRole('button', { name: 'Acknowledge' }).click();
      await row.getByText(/alice at/).waitFor({ timeout: 10_000 });
      const res = (await (await fetch(`${monitor!.url}api/incidents?limit=10`)).json()) as {
        data: { node: string | null; acknowledgement: { by: string } | null }[];
      };
      assert.equal(res.data.find((i) => i.node === 'node-2')?.acknowledgement?.by, 'alice');
      const banner = page.getByTestId('delivery-banner');
      await banner.waitFor({ timeout: 60_000 });
      assert.match(await banner.innerText(), /Notification delivery is failing[\s\S]*broken-hook/);
      assert.deepEqual(pageErrors, []);
    });
  },
);
