/**
 * The monitor with `storage.type: victoriametrics` on a real Debian VictoriaMetrics: samples pushed to the
 * monitor are remote-written to VictoriaMetrics (read back there with PromQL), the monitor's own API reads them
 * back through VictoriaMetrics' query API (names, a stepped range query), the queue's self-metrics count what
 * was sent, and anomalies live in the SQLite state database.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { parseMonitorConfig } from '../../src/config.ts';
import { startMonitor, type RunningMonitor } from '../../src/main.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { prometheusApi } from '../helpers/prometheus.ts';
import { pollUntil } from '../helpers/server-process.ts';
import { startVictoriaMetrics, type VictoriaMetricsInstance } from '../helpers/victoria-metrics.ts';

const binary = requireBinary('victoria-metrics');

describe(
  'the monitor on VictoriaMetrics',
  { skip: binary ? false : 'victoria-metrics binary not found (outside CI)' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-vm-monitor-'));
    let vm: VictoriaMetricsInstance | undefined;
    let monitor: RunningMonitor | undefined;
    const now = Date.now();
    const minute = Math.floor(now / 60_000) * 60_000 - 120_000; // two whole minutes before the current one

    before(async () => {
      vm = await startVictoriaMetrics(binary!);
      monitor = await startMonitor({
        config: parseMonitorConfig({
          listen: { host: '127.0.0.1', port: 0 },
          auth: { mode: 'disabled' }, // loopback; this test exercises another surface (auth: web-login, web-dashboards, auth tests)
          host: { enabled: false },
          detection: { enabled: false },
          storage: {
            type: 'victoriametrics',
            writeUrl: vm.writeUrl,
            readUrl: vm.url,
            queue: { batchDeadline: '100ms' },
            state: { type: 'sqlite', path: join(dir, 'state.db') },
          },
        }),
        logger: pino({ level: 'silent' }),
        webRoot: dir,
      });
    });

    after(async () => {
      await monitor?.stop();
      await vm?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('pushed samples reach VictoriaMetrics and come back through the monitor API', async () => {
      const samples = [];
      for (let i = 0; i < 12; i++) {
        samples.push({
          name: 'dwcp_vm_e2e',
          labels: { lane: 'a' },
          value: i,
          timestamp: minute + i * 10_000,
        });
        samples.push({
          name: 'dwcp_vm_e2e',
          labels: { lane: 'b' },
          value: 100 + i,
          timestamp: minute + i * 10_000,
        });
      }
      const push = await fetch(`${monitor!.url}api/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ samples }),
      });
      assert.equal(push.status, 200, await push.text());

      const inVm = await pollUntil(
        'the samples in VictoriaMetrics',
        async () => {
          await vm!.forceFlush();
          const r = await prometheusApi<{
            result: { metric: Record<string, string>; values: [number, string][] }[];
          }>(
            vm!.url,
            `/api/v1/query?query=${encodeURIComponent('dwcp_vm_e2e[5m]')}&time=${(minute + 120_000) / 1000}`,
          );
          return r.result.length === 2 && r.result.every((s) => s.values.length === 12)
            ? r.result
            : undefined;
        },
        20_000,
        200,
      ).catch((e: Error) => assert.fail(`${e.message}\n${vm!.logs()}`));
      const a = inVm.find((s) => s.metric['lane'] === 'a')!;
      assert.deepEqual(
        a.values.map(([, v]) => Number(v)),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        'PromQL reads what the monitor wrote',
      );

      const names = (await (await fetch(`${monitor!.url}api/metrics/search?q=vm_e2e`)).json()) as {
        data: string[];
      };
      assert.deepEqual(names.data, ['dwcp_vm_e2e']);
      const q = await fetch(
        `${monitor!.url}api/metrics/query?name=dwcp_vm_e2e&by=lane&agg=max&start=${minute / 1000}&end=${(minute + 119_999) / 1000}&step=1m`,
      );
      assert.equal(q.status, 200);
      const body = (await q.json()) as {
        data: { series: { labels: Record<string, string>; timestampsMs: number[]; values: number[] }[] };
      };
      const byLane = Object.fromEntries(body.data.series.map((s) => [s.labels['lane'], s]));
      // 1-minute buckets from query_range; the grid point at minute + 60 s sees the first bucket's last value
      assert.deepEqual(byLane['a'], { labels: { lane: 'a' }, timestampsMs: [minute + 60_000], values: [5] });
      assert.deepEqual(byLane['b'], {
        labels: { lane: 'b' },
        timestampsMs: [minute + 60_000],
        values: [105],
      });

      const metrics = await (await fetch(`${monitor!.url}metrics`)).text();
      assert.match(metrics, /dwcp_monitor_remote_storage_samples_sent_total 24\b/);
      assert.match(metrics, /dwcp_monitor_remote_storage_queue_samples 0\b/);
      assert.equal(await monitor!.store.countSamples(), 24);
      assert.deepEqual(
        await monitor!.store.list({ limit: 10 }),
        [],
        'anomalies are read from the state database',
      );
    });
  },
);
