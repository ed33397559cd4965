/**
 * The monitor as `serve` starts it takes its SLOs and its evidence gates from the configuration: the SLO,
 * regional-health and capacity endpoints answer with the configured definitions and requirements.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { parseMonitorConfig } from '../../src/config.ts';
import { startMonitor, type RunningMonitor } from '../../src/main.ts';
import type { Labels, Sample } from '../../src/model/sample.ts';

/** Near the wall clock, which the store's retention pass goes by. */
const NOW = Math.floor(Date.now() / 1000) * 1000;

describe('startMonitor: SLOs and gates from the configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-main-'));
  let monitor: RunningMonitor | undefined;

  before(async () => {
    const config = parseMonitorConfig({
      listen: { host: '127.0.0.1', port: 0 },
      auth: { mode: 'disabled' },
      storage: { type: 'sqlite', path: join(dir, 'monitor.db'), retention: '6h' },
      host: { enabled: false },
      slo: {
        definitions: [
          {
            name: 'hde-errors',
            objective: 0.995,
            window: '7d',
            sli: {
              type: 'ratio',
              bad: { metric: 'dwcp_v3_component_errors_total', matchers: { component: 'hde' } },
              total: { metric: 'dwcp_v3_component_operations_total', matchers: { component: 'hde' } },
            },
          },
        ],
        minObserved: '10m',
      },
      health: { warmup: '1m', modes: { internet: { latencyBaseline: '200ms', latencyZeroScore: '2s' } } },
      capacity: { minHistory: '2d', minPoints: 500 },
    });
    monitor = await startMonitor({ config, logger: pino({ level: 'silent' }), webRoot: dir, now: () => NOW });
    // 3 minutes of one healthy internet-mode region at 300 ms per operation, as a scraped node would store them.
    const l = { region: 'eu-west', node: 'node-2' };
    const samples: Sample[] = [];
    for (let i = 0; i <= 180; i++) {
      const t = NOW - (180 - i) * 1000;
      const at = (name: string, labels: Labels, value: number) =>
        samples.push({ name, labels: { ...l, ...labels }, value, timestampMs: t });
      at('up', {}, 1);
      at('dwcp_v3_resource_utilization_percent', { resource_type: 'cpu' }, 40);
      at('dwcp_v3_mode_latency_seconds_sum', { mode: 'internet' }, i * 5 * 0.3);
      at('dwcp_v3_mode_latency_seconds_count', { mode: 'internet' }, i * 5);
      at('dwcp_v3_component_errors_total', { component: 'amst' }, 0);
      at('dwcp_v3_component_operations_total', { component: 'amst' }, i * 100);
      at('dwcp_v3_component_health', { component: 'acp' }, 2);
    }
    await monitor.store.append(samples);
  });

  after(async () => {
    await monitor?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(new URL(path, monitor!.url));
    assert.equal(res.status, 200, path);
    return ((await res.json()) as { data: T }).data;
  };

  it('GET /api/slo evaluates the configured SLOs, not the built-in templates', async () => {
    const data = await get<{
      slos: {
        name: string;
        objective: number;
        report: { status: string; evidence: { requiredObservedMs: number } } | null;
      }[];
    }>('/api/slo');
    assert.deepEqual(
      data.slos.map((s) => [s.name, s.objective]),
      [['hde-errors', 0.995]],
    );
    const report = data.slos[0]!.report;
    assert.ok(report);
    assert.equal(report.status, 'no-data');
    assert.equal(report.evidence.requiredObservedMs, 600_000);
  });

  it("GET /api/regions/health scores latency on the configured scale of the region's mode", async () => {
    type Region = {
      region: string;
      status: string;
      latencyByMode: { mode: string; baselineMs: number; zeroScoreMs: number; score: number }[];
    };
    const data = await get<{ regions: Region[] }>('/api/regions/health');
    assert.equal(data.regions.length, 1);
    const r = data.regions[0]!;
    assert.equal(r.status, 'healthy');
    assert.deepEqual(
      r.latencyByMode.map((m) => [m.mode, m.baselineMs, m.zeroScoreMs]),
      [['internet', 200, 2000]],
    );
    // 300 ms on the configured 200 ms .. 2 s scale: 100 × (2000 − 300) / 1800.
    assert.ok(
      Math.abs(r.latencyByMode[0]!.score - (100 * 1700) / 1800) < 1e-6,
      String(r.latencyByMode[0]!.score),
    );
  });

  it('GET /api/capacity reports the configured history requirement', async () => {
    const data = await get<{ requiredHistoryMs: number; requiredPoints: number; warnings: string[] }>(
      '/api/capacity',
    );
    assert.deepEqual([data.requiredHistoryMs, data.requiredPoints], [2 * 86_400_000, 500]);
    assert.ok(
      data.warnings.some((w) =>
        /storage retention \(6h\) is shorter than the 2d of history a plan needs/.test(w),
      ),
      data.warnings.join('; '),
    );
  });
});
