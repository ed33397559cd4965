/**
 * GET /api/dashboards/{id}/export.png|.pdf over the real dashboard engine with a renderer that records what it is
 * asked: the console URL it renders (this server's loopback address, the dashboard alone), content type and file
 * name, 404 for an unknown dashboard, 503 without a renderer or a served console, and the renderer's refusals.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { DashboardRecord } from '../../../../src/contract/dashboards.ts';
import { dashboardsApi, type DashboardApiOptions } from '../../../../src/dashboards/api.ts';
import { DashboardService } from '../../../../src/dashboards/service.ts';
import type { DashboardStore } from '../../../../src/dashboards/store/dashboard-store.ts';
import { openSqliteDashboardStore } from '../../../../src/dashboards/store/open.ts';
import { LimitExceededError } from '../../../../src/errors.ts';
import { buildApp } from '../../../../src/server/app.ts';
import { exportFileName, ownBaseUrl } from '../../../../src/server/routes/dashboards-export.ts';
import { smallSpec } from '../../../helpers/dashboard-fixtures.ts';
import { testDeps } from '../../../helpers/server-fakes.ts';

describe('dashboard PNG/PDF export routes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-export-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  let store: DashboardStore;
  const apps: FastifyInstance[] = [];
  const calls: { url: string; format: string; ready: string }[] = [];
  let refuse = false;

  const start = async (o: {
    render: boolean;
    webRoot: boolean;
  }): Promise<{ app: FastifyInstance; base: string; rec: DashboardRecord }> => {
    const deps = testDeps(o.webRoot ? { webRoot: dir } : {});
    const service = new DashboardService({
      store,
      sources: { samples: deps.samples },
      limits: { seriesMax: 10, rawPointsPerSeries: 100, targetPoints: 10 },
      cache: { ttlMs: 1000 },
    });
    const render: DashboardApiOptions['render'] = async (url, format, ready) => {
      if (refuse) throw new LimitExceededError('2 exports are rendering and 8 wait; try again shortly');
      calls.push({ url, format, ready });
      return Buffer.from(format === 'png' ? '\x89PNG fake' : '%PDF-1.4 fake');
    };
    const api = dashboardsApi(service, {
      defaultScope: { tenantId: 'default', actor: 'anonymous' },
      ...(o.render ? { render } : {}),
    });
    const app = await buildApp({ ...deps, dashboards: api }, { checkResponses: true });
    apps.push(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const rec = (
      await app.inject({
        method: 'POST',
        url: '/api/dashboards',
        payload: smallSpec('Fleet "health" / EU') as object,
      })
    ).json().data as DashboardRecord;
    return { app, base: ownBaseUrl(app.server.address() as never), rec };
  };

  before(async () => {
    store = await openSqliteDashboardStore(':memory:', { maxPerTenant: 50 });
  });
  after(async () => {
    for (const a of apps) await a.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders the dashboard alone from this server, as PNG and as PDF with a file name from the title', async () => {
    const { app, base, rec } = await start({ render: true, webRoot: true });
    for (const [format, type] of [
      ['png', 'image/png'],
      ['pdf', 'application/pdf'],
    ] as const) {
      const res = await app.inject({ url: `/api/dashboards/${rec.id}/export.${format}` });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], type);
      assert.equal(res.headers['content-disposition'], `attachment; filename="fleet-health-eu.${format}"`);
      assert.deepEqual(calls.at(-1), {
        url: `${base}/#/dashboards?id=${rec.id}&export=1`,
        format,
        ready: '[data-export-ready]',
      });
    }
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
    // The viewer's variable selection is rendered: the page opens with it in its URL, values encoded as data.
    const res = await app.inject({
      url: `/api/dashboards/${rec.id}/export.pdf?var[node]=${encodeURIComponent('n1,a&b')}&var[cluster]=c2`,
    });
    assert.equal(res.statusCode, 200, res.body);
    const rendered = new URL(calls.at(-1)!.url);
    const params = new URLSearchParams(rendered.hash.slice('#/dashboards?'.length));
    assert.deepEqual(
      [...params],
      [
        ['id', rec.id],
        ['export', '1'],
        ['var-node', 'n1,a&b'],
        ['var-cluster', 'c2'],
      ],
    );
    assert.equal(
      (await app.inject({ url: `/api/dashboards/${rec.id}/export.png?var[node]=${'v,'.repeat(65)}` }))
        .statusCode,
      400,
    );
  });

  it('answers 404 for unknown ids, 503 without a renderer or a served console, and 429 when the renderer is full', async () => {
    const full = await start({ render: true, webRoot: true });
    assert.equal(
      (await full.app.inject({ url: '/api/dashboards/00000000-0000-4000-8000-000000000000/export.png' }))
        .statusCode,
      404,
    );
    assert.equal((await full.app.inject({ url: '/api/dashboards/not-an-id/export.pdf' })).statusCode, 404);
    refuse = true;
    const busy = await full.app.inject({ url: `/api/dashboards/${full.rec.id}/export.png` });
    refuse = false;
    assert.equal(busy.statusCode, 429);
    const noRenderer = await start({ render: false, webRoot: true });
    const a = await noRenderer.app.inject({ url: `/api/dashboards/${noRenderer.rec.id}/export.pdf` });
    assert.equal(a.statusCode, 503);
    assert.equal(a.json().errorType, 'DWCP_UNAVAILABLE');
    assert.match(a.json().error, /Chromium/);
    const noConsole = await start({ render: true, webRoot: false });
    const b = await noConsole.app.inject({ url: `/api/dashboards/${noConsole.rec.id}/export.png` });
    assert.equal(b.statusCode, 503);
    assert.match(b.json().error, /web console/);
  });

  it('names export files and its own address safely', () => {
    assert.equal(exportFileName('Ops: <script>alert(1)</script>', 'png'), 'ops-script-alert-1-script.png');
    assert.equal(exportFileName('日本', 'pdf'), 'dashboard.pdf');
    assert.equal(ownBaseUrl({ address: '0.0.0.0', port: 80, family: 'IPv4' }), 'http://127.0.0.1:80');
    assert.equal(ownBaseUrl({ address: '::', port: 81, family: 'IPv6' }), 'http://[::1]:81');
    assert.equal(ownBaseUrl({ address: '10.0.0.5', port: 82, family: 'IPv4' }), 'http://10.0.0.5:82');
  });
});
