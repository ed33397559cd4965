/**
 * The logs explorer and trace view in a real browser (Debian's chromium driven by playwright-core) against a
 * running monitor: simulated nodes under a v3 regression and a throughput drop (failed migrations, transfer
 * timeouts and retries) ship their traces and pino logs with the OTel exporters to the monitor. In the page:
 * searching error lines with LogQL and the level filter, expanding a line to all its fields, following its
 * trace link to the waterfall (spans of both regions), from a span to its logs, and a line pushed while the
 * live tail is on appears without reloading; an anomaly of a node links to that node's logs and traces.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { parseMonitorConfig } from '../../src/config.ts';
import type { LogsResponse } from '../../src/contract/logs.ts';
import { DEFAULT_WEB_ROOT, startMonitor, type RunningMonitor } from '../../src/main.ts';
import { createOtlpLogExporter } from '../../src/sdk/node-logging.ts';
import { createOtlpTraceExporter } from '../../src/sdk/otlp-exporter.ts';
import { startCluster } from '../../src/sim/cluster.ts';
import { parseScenario } from '../../src/sim/scenario.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { lokiJson } from '../helpers/log-push.ts';

const chromiumPath = requireBinary('chromium');
/** Simulated seconds of cluster activity. */
const SIM_SECONDS = 200;
const SCENARIO = `faults:
  - { kind: v3_regression, node: node-1, start: 0s, duration: ${SIM_SECONDS}s, magnitude: 3 }
  - { kind: throughput_drop, node: node-1, start: 0s, duration: ${SIM_SECONDS}s, magnitude: 0.7 }
`;

describe(
  'logs and traces views in a real browser',
  { skip: chromiumPath ? false : 'chromium not found (outside CI)' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-ui-logs-'));
    let monitor: RunningMonitor | undefined;
    let browser: Browser | undefined;
    let page: Page;
    const pageErrors: string[] = [];
    let errorLines = 0;
    let tracedErrorLines = 0;
    /**
     * The window searched, fixed once everything is shipped: the simulated migrations end up to minutes after the
     * real clock (lines stamped up to 5 minutes ahead are accepted), so a window ending "now" would take in more
     * error lines the later it is read.
     */
    let window = { fromMs: 0, toMs: 0 };

    before(async () => {
      assert.ok(existsSync(join(DEFAULT_WEB_ROOT, 'index.html')), 'web/dist is built (npm run build:web)');
      monitor = await startMonitor({
        config: parseMonitorConfig({
          listen: { host: '127.0.0.1', port: 0 },
          auth: { mode: 'disabled' }, // loopback; this test exercises another surface (auth: web-login, web-dashboards, auth tests)
          storage: { type: 'sqlite', path: join(dir, 'ui.db') },
          // A target on a closed port: its target-down anomaly names node-1, whose logs and traces the simulator ships.
          targets: [
            {
              id: 'node-1',
              url: 'http://127.0.0.1:1/metrics',
              labels: { region: 'us-east', node: 'node-1' },
            },
          ],
        }),
        logger: pino({ level: 'silent' }),
      });
      const base = monitor.url.replace(/\/$/, '');
      const t0 = Date.now() - (SIM_SECONDS + 60) * 1000;
      const cluster = await startCluster({
        nodes: 2,
        regions: ['us-east', 'eu-west'],
        portBase: 0,
        autoTick: false,
        clock: () => t0,
        scenario: parseScenario(SCENARIO, 2),
        warn: () => undefined,
        tracing: { exporter: () => createOtlpTraceExporter({ url: `${base}/v1/traces` }) },
        logging: { exporter: () => createOtlpLogExporter({ url: `${base}/v1/logs` }) },
      });
      try {
        for (let i = 1; i <= SIM_SECONDS; i++) cluster.tick(t0 + i * 1000);
        await cluster.tracing!.forceFlush();
        await cluster.logging!.forceFlush();
      } finally {
        await cluster.stop();
      }
      window = { fromMs: t0 - 60_000, toMs: Date.now() };
      const res = (await (
        await fetch(
          `${base}/api/logs?level=error&limit=1000&start=${window.fromMs}000000&end=${window.toMs}000000`,
        )
      ).json()) as LogsResponse;
      const failed = res.entries.filter((e) => /failed/.test(e.body));
      errorLines = failed.length;
      tracedErrorLines = failed.filter((e) => e.traceId !== '').length;
      browser = await launchChromium(chromiumPath!);
      page = await browser.newPage();
      page.on('pageerror', (e) => pageErrors.push(String(e)));
    });

    after(async () => {
      await browser?.close();
      await monitor?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the faults left trace-linked error lines', () => {
      assert.ok(
        tracedErrorLines >= 1,
        `failed migrations logged at error level with trace ids, got ${tracedErrorLines} of ${errorLines}`,
      );
    });

    it('finds the error lines with a LogQL query and the level filter, and expands one', async () => {
      await page.goto(`${monitor!.url}#/logs?from=${window.fromMs}&to=${window.toMs}`);
      const view = page.getByTestId('logs-view');
      await view
        .getByLabel('LogQL query')
        .fill('{service="dwcp-node", component=~"migration|state_sync"} |= "failed"');
      await view.getByRole('button', { name: 'Search' }).click();
      await page.waitForFunction(() => location.hash.includes('query='));
      const rows = view.locator('tr.log-row');
      await rows.first().waitFor({ timeout: 15_000 });
      await page.locator('[data-testid="logs-view"][aria-busy="false"]').waitFor({ timeout: 15_000 });
      const unfiltered = await rows.count();
      // The level filter's search held back: until its answer arrives, the rows on the page are the previous
      // search's, and the view says so (aria-busy) instead of passing them off as the filtered answer.
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route(
        (url) => url.pathname === '/api/logs' && url.searchParams.has('level'),
        async (route) => {
          await held;
          await route.continue();
        },
      );
      // the checkbox follows the URL: a click changes the hash, and the box shows checked once the view has read it
      // (Playwright's check() asserts the state right after its click, before the hashchange is handled)
      await view.getByRole('checkbox', { name: 'error' }).click();
      await page.waitForFunction(() => location.hash.includes('level=error'));
      await view.getByRole('checkbox', { name: 'error', checked: true }).waitFor({ timeout: 5_000 });
      assert.equal(await view.getAttribute('aria-busy'), 'true', 'the previous rows are marked busy');
      assert.equal(await rows.count(), unfiltered);
      release();
      await page.locator('[data-testid="logs-view"][aria-busy="false"]').waitFor({ timeout: 15_000 });
      await page.unrouteAll();
      assert.equal(await rows.count(), errorLines);
      for (const text of await rows.allInnerTexts()) {
        assert.match(text, /\berror\b/);
        assert.match(text, /failed/);
      }
      await rows.first().click();
      const fields = view.locator('tr.log-fields');
      await fields.waitFor();
      assert.match(await fields.innerText(), /trace_id\s+[0-9a-f]{32}/);
      assert.match(await fields.innerText(), /vm_id\s+vm-/);
      assert.deepEqual(pageErrors, []);
    });

    it('follows a line to its trace: a waterfall with spans of both regions and an error span', async () => {
      const view = page.getByTestId('logs-view');
      const row = view.locator('tr.log-row').first();
      const fieldsText = await view.locator('tr.log-fields').innerText();
      const traceId = /trace_id\s+([0-9a-f]{32})/.exec(fieldsText)![1]!;
      await row.getByRole('link', { name: 'trace' }).click();
      const detail = page.getByTestId('trace-detail');
      await detail.waitFor({ timeout: 15_000 });
      assert.match(await detail.innerText(), new RegExp(`Trace ${traceId}`));
      const waterfall = page.getByTestId('trace-waterfall');
      const text = await waterfall.innerText();
      assert.match(text, /us-east/);
      assert.match(text, /eu-west/);
      assert.match(text, /dwcp\.amst\.transfer/);
      assert.ok((await waterfall.locator('td.error').count()) >= 1, 'an error span is marked');
      assert.deepEqual(pageErrors, []);
    });

    it('goes from a span to its logs', async () => {
      const waterfall = page.getByTestId('trace-waterfall');
      const traceId = /Trace ([0-9a-f]{32})/.exec(await page.getByTestId('trace-detail').innerText())![1]!;
      await waterfall.locator('tr.span-row', { hasText: 'dwcp.amst.transfer' }).first().click();
      const details = page.getByTestId('span-details');
      await details.waitFor();
      await details.getByRole('link', { name: 'logs of this span' }).click();
      const view = page.getByTestId('logs-view');
      await page.waitForFunction(
        () => location.hash.startsWith('#/logs') && location.hash.includes('span_id='),
      );
      const rows = view.locator('tr.log-row');
      await rows.first().waitFor({ timeout: 15_000 });
      const spanId = new URLSearchParams(await page.evaluate(() => location.hash.split('?')[1] ?? '')).get(
        'span_id',
      )!;
      const expected = (await (
        await fetch(`${monitor!.url}api/logs?trace_id=${traceId}&span_id=${spanId}&limit=100`)
      ).json()) as LogsResponse;
      assert.ok(expected.entries.length >= 1);
      await page.waitForFunction(
        (n) => document.querySelectorAll('tr.log-row').length === n,
        expected.entries.length,
      );
      for (const text of await rows.allInnerTexts()) assert.match(text, /vm-node-\d+-\d+/);
      assert.ok(
        (await rows.allInnerTexts()).some((t) => /failed/.test(t)),
        "the failure is among the span's lines",
      );
      assert.deepEqual(pageErrors, []);
    });

    it('shows a line pushed while the live tail is on, at the chosen levels', async () => {
      const query = '{node_id="edge-7"}';
      await page.goto(`${monitor!.url}#/logs?query=${encodeURIComponent(query)}&level=error&live=1`);
      const view = page.getByTestId('logs-view');
      await view.getByText('live', { exact: true }).waitFor({ timeout: 15_000 });
      const push = await fetch(`${monitor!.url}loki/api/v1/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new Uint8Array(
          lokiJson([
            {
              labels: { service: 'edge-agent', node_id: 'edge-7', level: 'info' },
              entries: [[Date.now(), 'routine check on edge-7']],
            },
            {
              labels: { service: 'edge-agent', node_id: 'edge-7', level: 'error' },
              entries: [[Date.now(), 'disk watchdog tripped on edge-7']],
            },
          ]),
        ),
      });
      assert.equal(push.status, 204);
      const row = view.locator('tr.log-row', { hasText: 'disk watchdog tripped on edge-7' });
      await row.waitFor({ timeout: 10_000 });
      assert.match(await row.innerText(), /\berror\b[\s\S]*edge-7/);
      assert.equal(
        await view.locator('tr.log-row').count(),
        1,
        'the info line is filtered out by the level filter',
      );
      await view.getByRole('button', { name: 'Stop live tail' }).click();
      await view.getByRole('button', { name: 'Live tail' }).waitFor();
      assert.deepEqual(pageErrors, []);
    });

    it("links an anomaly of a node to its logs and traces in the anomaly's window", async () => {
      await page.goto(`${monitor!.url}#/overview`);
      const anomalies = page.locator('section', {
        has: page.getByRole('heading', { name: /Latest anomalies/ }),
      });
      const row = anomalies.locator('tr', { hasText: /target node-1 is down/ }).first();
      await row.waitFor({ timeout: 20_000 });
      await row.getByRole('link', { name: 'logs' }).click();
      const view = page.getByTestId('logs-view');
      await page.waitForFunction(() => location.hash.startsWith('#/logs'));
      assert.equal(await view.getByLabel('LogQL query').inputValue(), '{node_id="node-1"}');
      const rows = view.locator('tr.log-row');
      await rows.first().waitFor({ timeout: 15_000 });
      for (const text of (await rows.allInnerTexts()).slice(0, 50)) assert.match(text, /\bnode-1\b/);
      await page.goBack();
      await anomalies
        .locator('tr', { hasText: /target node-1 is down/ })
        .first()
        .getByRole('link', { name: 'traces' })
        .click();
      const results = page.getByTestId('trace-results');
      await results.locator('tbody tr a').first().waitFor({ timeout: 15_000 });
      for (const text of (await results.locator('tbody tr').allInnerTexts()).slice(0, 20))
        assert.match(text, /\bnode-1\b/);
      assert.deepEqual(pageErrors, []);
    });
  },
);
