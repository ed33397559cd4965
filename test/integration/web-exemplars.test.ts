/**
 * From a latency chart to a trace in a real browser (Debian's chromium driven by playwright-core): a simulated
 * cluster runs traced migrations, ships its spans to the monitor with an ingest token and is scraped by it in
 * OpenMetrics, so the migration duration histograms carry exemplars. Signed in as the bootstrapped admin
 * (authentication on, as `serve` runs; exemplars are for the operator tenant), the overview chart of the
 * migration duration shows the exemplar points; clicking one opens the trace view with that trace. A dashboard's
 * line widget of the same family shows them too, and so does a viewer of the operator tenant.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { pino } from 'pino';
import type { ExemplarsResponse } from '../../src/contract/traces.ts';
import { parseMonitorConfig } from '../../src/config.ts';
import { DEFAULT_WEB_ROOT, startMonitor, type RunningMonitor } from '../../src/main.ts';
import { createOtlpTraceExporter } from '../../src/sdk/otlp-exporter.ts';
import { startCluster, type Cluster } from '../../src/sim/cluster.ts';
import { adminBearer, issueApiToken } from '../helpers/auth.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { launchChromium } from '../helpers/chromium.ts';

const chromiumPath = requireBinary('chromium');
const FAMILY = 'dwcp_v3_migration_duration_seconds';

/** A span exporter that sends to `target` once it is set (the monitor starts after the cluster it scrapes) and fails before. */
class LateExporter implements SpanExporter {
  target: SpanExporter | undefined;
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    if (this.target === undefined) done({ code: ExportResultCode.FAILED });
    else this.target.export(spans, done);
  }
  async shutdown(): Promise<void> {
    await this.target?.shutdown();
  }
  async forceFlush(): Promise<void> {
    await this.target?.forceFlush?.();
  }
}

describe(
  'exemplars of a latency chart in a real browser',
  { skip: chromiumPath ? false : 'chromium not found (outside CI)' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-exemplar-ui-'));
    const exporters: LateExporter[] = [];
    let cluster: Cluster | undefined;
    let monitor: RunningMonitor | undefined;
    let browser: Browser | undefined;
    let admin = '';
    const pageErrors: string[] = [];
    const authed = async <T>(path: string, token = admin): Promise<{ status: number; body: T }> => {
      const res = await fetch(`${monitor!.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json()) as T };
    };
    const signedInPage = async (token: string): Promise<Page> => {
      const context = await browser!.newContext({ viewport: { width: 1300, height: 1000 } });
      await context.addCookies([{ name: 'dwcp_session', value: token, url: monitor!.url }]);
      const page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      return page;
    };

    /** Waits until an exemplar of the family names a trace the monitor has stored (bounded). */
    const storedExemplar = async (): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const ex = await authed<ExemplarsResponse>(`api/v1/query_exemplars?query=${FAMILY}_bucket`);
        assert.equal(ex.status, 200);
        const ids = ex.body.data.flatMap((x) => x.exemplars.map((e) => e.labels['trace_id'] ?? ''));
        for (const id of ids.slice(-20)) if ((await authed(`api/traces/${id}`)).status === 200) return;
        await new Promise((r) => setTimeout(r, 1000));
      }
      throw new Error('no exemplar with a stored trace within 60 s');
    };

    /** A trace id of an exemplar point the chart shows whose trace the monitor has stored (bounded wait: spans sent before the ingest token was set are lost). */
    const shownStoredTrace = async (chart: Locator): Promise<string> => {
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const shown = await chart
          .locator('a.exemplar')
          .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['traceId'] ?? ''));
        for (const id of shown.reverse().slice(0, 20))
          if ((await authed(`api/traces/${id}`)).status === 200) return id;
        await new Promise((r) => setTimeout(r, 1000));
      }
      throw new Error('no exemplar point shown names a stored trace');
    };

    before(async () => {
      assert.ok(existsSync(join(DEFAULT_WEB_ROOT, 'index.html')), 'web/dist is built (npm run build:web)');
      cluster = await startCluster({
        nodes: 2,
        regions: ['us-east', 'eu-west'],
        portBase: 0,
        warn: () => undefined,
        tracing: {
          exporter: () => {
            const e = new LateExporter();
            exporters.push(e);
            return e;
          },
          simple: true,
        },
      });
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
      admin = await adminBearer(monitor.url, dir);
      const ingest = await issueApiToken(monitor.url, admin, 'ingest');
      for (const e of exporters)
        e.target = createOtlpTraceExporter({
          url: new URL('/v1/traces', monitor.url).href,
          headers: { authorization: `Bearer ${ingest}` },
        });
      browser = await launchChromium(chromiumPath!);
    });

    after(async () => {
      await browser?.close();
      await cluster?.stop();
      await monitor?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('shows exemplar points on the migration duration chart; clicking one opens its trace', async () => {
      await storedExemplar();
      // A few more scrapes, so the chart's series reach past that exemplar; then a chart that stays still while clicked.
      await new Promise((r) => setTimeout(r, 3000));
      const page = await signedInPage(admin);
      await page.goto(`${monitor!.url}#/overview?metric=${FAMILY}_count&agg=sum&range=5m&refresh=off`);
      const chart = page.locator('section', {
        has: page.getByRole('heading', { name: 'Series', exact: true }),
      });
      await chart.locator('a.exemplar').first().waitFor({ timeout: 60_000 });
      await chart.getByText(/\d+ exemplars: traces of single observations/).waitFor();
      const traceId = await shownStoredTrace(chart);
      const point = chart.locator(`a.exemplar[data-trace-id="${traceId}"]`);
      assert.match(
        (await point.getAttribute('aria-label')) ?? '',
        new RegExp(`^Exemplar trace ${traceId}: .+ at \\d\\d:\\d\\d:\\d\\d \\(.*node_id=`),
      );
      await point.click();
      await page.waitForFunction((id) => location.hash === `#/traces?trace=${id}`, traceId, {
        timeout: 10_000,
      });
      const detail = page.getByTestId('trace-detail');
      await detail.waitFor({ timeout: 15_000 });
      assert.match(await detail.innerText(), new RegExp(`Trace ${traceId}`));
      await page.getByTestId('trace-waterfall').waitFor({ timeout: 10_000 });
      await page.context().close();
    });

    it('a dashboard line widget of the migration durations shows exemplars linking to their traces', async () => {
      const spec = {
        title: 'Migrations',
        refresh: '5s',
        timeRange: { from: 'now-5m', to: 'now' },
        widgets: [
          {
            type: 'line',
            id: 'done',
            title: 'Migrations done',
            gridPos: { x: 0, y: 0, w: 24, h: 8 },
            queries: [{ kind: 'metric', refId: 'A', metric: `${FAMILY}_count`, agg: 'sum' }],
          },
        ],
      };
      const created = await fetch(`${monitor!.url}api/dashboards`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify(spec),
      });
      assert.equal(created.status, 201, await created.clone().text());
      const id = ((await created.json()) as { data: { id: string } }).data.id;
      const page = await signedInPage(admin);
      await page.goto(`${monitor!.url}#/dashboards?id=${id}`);
      const point = page.locator('[data-widget="done"] a.exemplar').first();
      await point.waitFor({ timeout: 30_000 });
      assert.match((await point.getAttribute('href')) ?? '', /^#\/traces\?trace=[0-9a-f]{32}$/);
      await page
        .locator('[data-widget="done"]')
        .getByText(/\d+ exemplars: traces of single observations/)
        .waitFor();
      await page.context().close();
    });

    it('a viewer of the operator tenant sees the exemplars too; a chart of another unit shows none', async () => {
      const created = await fetch(`${monitor!.url}api/auth/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ username: 'vera', password: 'viewer-password-1', role: 'viewer' }),
      });
      assert.equal(created.status, 201, await created.text());
      const login = await fetch(`${monitor!.url}api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'vera', password: 'viewer-password-1', session: false }),
      });
      const viewer = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;
      const page = await signedInPage(viewer);
      await page.goto(`${monitor!.url}#/overview?metric=${FAMILY}_count&agg=sum&range=5m&refresh=2s`);
      const chart = page.locator('section', {
        has: page.getByRole('heading', { name: 'Series', exact: true }),
      });
      await chart.locator('a.exemplar').first().waitFor({ timeout: 30_000 });
      await page.goto(
        `${monitor!.url}#/overview?metric=dwcp_v3_throughput_bytes_per_second&agg=sum&range=5m&refresh=2s`,
      );
      await chart.locator('.legend-table td', { hasText: /B\/s$/ }).first().waitFor({ timeout: 20_000 });
      assert.equal(await chart.locator('a.exemplar').count(), 0);
      await page.context().close();
      assert.deepEqual(pageErrors, []);
    });
  },
);
