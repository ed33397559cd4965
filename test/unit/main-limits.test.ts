/**
 * The composition root's limits wiring: a monitor started from a configuration with a small series budget and a
 * capped target scrapes three real local targets; the noisy one is refused beyond its fair share and says so in
 * GET /api/v1/targets, the quiet one keeps every series, the capped one is down with "sample limit exceeded",
 * and the rejects are counted per target in /metrics. The Prometheus query API takes its series bound from the
 * configuration's `limits.promqlSeriesMax`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { parseMonitorConfig } from '../../src/config.ts';
import type { ActiveTarget } from '../../src/contract/targets.ts';
import { startMonitor, type RunningMonitor } from '../../src/main.ts';

const exposition = (n: number) =>
  Array.from({ length: n }, (_, i) => `dwcp_test_value{i="${i}"} ${i}`).join('\n') + '\n';

function serve(body: string): Promise<Server> {
  const s = createServer((_q, r) => r.end(body));
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}
const urlOf = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/metrics`;

describe('startMonitor: per-target limits and the fair series budget', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-limits-'));
  let servers: Server[] = [];
  let monitor: RunningMonitor | undefined;

  before(async () => {
    servers = await Promise.all([serve(exposition(300)), serve(exposition(20)), serve(exposition(10))]);
    const [noisy, quiet, capped] = servers.map(urlOf);
    const config = parseMonitorConfig({
      listen: { host: '127.0.0.1', port: 0 },
      auth: { mode: 'disabled' },
      host: { enabled: false },
      detection: { enabled: false, maxSeries: 100 },
      storage: { type: 'sqlite', path: join(dir, 'dwcp.db'), layout: 'rows' },
      scrape: { interval: '200ms', timeout: '1s' },
      limits: { promqlSeriesMax: 50 },
      targets: [
        { id: 'noisy', url: noisy },
        { id: 'quiet', url: quiet },
        { id: 'capped', url: capped, limits: { sampleLimit: 5 } },
      ],
    });
    monitor = await startMonitor({ config, logger: pino({ level: 'silent' }), webRoot: dir });
  });

  after(async () => {
    await monitor?.stop();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    rmSync(dir, { recursive: true, force: true });
  });

  async function targets(): Promise<Map<string, ActiveTarget>> {
    const res = await fetch(`${monitor!.url}api/v1/targets`);
    const body = (await res.json()) as { data: { activeTargets: ActiveTarget[] } };
    return new Map(body.data.activeTargets.map((t) => [t.id, t]));
  }

  it('marks the target over its limit, warns the noisy one and leaves the quiet one whole', async () => {
    let t = await targets();
    for (
      let i = 0;
      i < 50 &&
      [...t.values()].some((x) => x.health === 'unknown' || (x.id === 'noisy' && x.lastWarning === ''));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
      t = await targets();
    }
    assert.deepEqual(
      [t.get('capped')?.health, t.get('capped')?.lastError],
      ['down', 'sample limit exceeded (10 samples, limit: 5)'],
    );
    assert.deepEqual(
      [t.get('quiet')?.health, t.get('quiet')?.lastError, t.get('quiet')?.lastWarning],
      ['up', '', ''],
    );
    assert.equal(t.get('noisy')?.health, 'up', 'a target over its share is still up: its scrapes work');
    assert.match(
      t.get('noisy')?.lastWarning ?? '',
      /samples of new series refused: series budget \(100\) full or over this target's share \(33; holds \d+\)/,
    );

    const quietSeries = await monitor!.store.findSeries(
      'dwcp_test_value',
      { instance: new URL(urlOf(servers[1]!)).host },
      1000,
    );
    assert.equal(quietSeries.length, 20, 'every series of the quiet target is stored');
    const metrics = await (await fetch(`${monitor!.url}metrics`)).text();
    assert.match(
      metrics,
      /dwcp_monitor_target_samples_rejected_total\{target="noisy",reason="series_limit"\} [1-9]/,
    );
    assert.match(metrics, /dwcp_monitor_scrapes_total\{target="capped",result="sample_limit"\} [1-9]/);
    assert.ok(monitor!.stats().series <= 100);
  });

  it('bounds the Prometheus query API by limits.promqlSeriesMax', async () => {
    const q = (query: string) => fetch(`${monitor!.url}api/v1/query?query=${encodeURIComponent(query)}`);
    const over = await q('count(dwcp_test_value)');
    const body = (await over.json()) as { errorType: string; error: string };
    assert.deepEqual([over.status, body.errorType], [422, 'execution'], JSON.stringify(body));
    assert.match(body.error, /more than 50 series/);
    const quiet = new URL(urlOf(servers[1]!)).host;
    const ok = await q(`count(dwcp_test_value{instance="${quiet}"})`);
    assert.equal(ok.status, 200, await ok.text());
  });
});
