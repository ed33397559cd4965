/**
 * The host collector pushing to Debian's prometheus-pushgateway (free port, stopped by its handle): the pushed
 * series arrive under the job and instance grouping; a push to a stopped gateway is counted and logged and the
 * collector keeps collecting.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { HostCollector } from '../../src/collector/host-collector.ts';
import { CollectorService } from '../../src/collector/service.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { freePort, pollUntil, startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

const bin = requireBinary('prometheus-pushgateway');

describe(
  'collector push to a real Pushgateway',
  { skip: bin ? false : 'prometheus-pushgateway not found (outside CI)' },
  () => {
    let gw: ServerProcess | undefined;
    let url = '';
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-pgw-'));

    before(async () => {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      gw = await startServerProcess(
        'pushgateway',
        bin!,
        [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${join(dir, 'pgw.db')}`],
        `${url}/-/ready`,
      );
    });
    after(async () => {
      await gw?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('pushes node_exporter-named series under job and instance, and the gateway serves them', async () => {
      const registry = new Registry();
      const logs: string[] = [];
      const svc = new CollectorService({
        collector: new HostCollector(),
        registry,
        intervalMs: 200,
        push: { url, job: 'dwcp-host', grouping: { instance: 'test-host' }, intervalMs: 200 },
        log: (l, m) => logs.push(`${l} ${m}`),
      });
      svc.start();
      try {
        const text = await pollUntil(
          'pushed series on the gateway',
          async () => {
            const t = await (await fetch(`${url}/metrics`)).text();
            return /node_cpu_seconds_total\{cpu="0",instance="test-host",job="dwcp-host",mode="idle"\} \d/.test(
              t,
            )
              ? t
              : undefined;
          },
          15_000,
        );
        assert.match(text, /node_memory_MemTotal_bytes\{instance="test-host",job="dwcp-host"\} \d/);
        assert.match(
          text,
          /node_scrape_collector_success\{collector="diskstats",instance="test-host",job="dwcp-host"\} 1/,
        );
        assert.match(
          text,
          /dwcp_collector_cycle_duration_seconds_count\{instance="test-host",job="dwcp-host"\} [1-9]/,
        );
        assert.match(text, /push_time_seconds\{instance="test-host",job="dwcp-host"\} \d/);
        assert.match(text, /# TYPE node_network_receive_bytes_total counter/);
        const api = (await (await fetch(`${url}/api/v1/metrics`)).json()) as {
          status: string;
          data: { labels: Record<string, string> }[];
        };
        assert.equal(api.status, 'success');
        assert.ok(api.data.some((g) => g.labels.job === 'dwcp-host' && g.labels.instance === 'test-host'));
      } finally {
        await svc.stop();
      }
      assert.deepEqual(
        logs.filter((l) => l.startsWith('warn')),
        [],
      );
    });

    it('counts and logs a failed push once, and keeps collecting', async () => {
      const registry = new Registry();
      const logs: string[] = [];
      const dead = `http://127.0.0.1:${await freePort()}`;
      const svc = new CollectorService({
        collector: new HostCollector({ collectors: ['loadavg'] }),
        registry,
        push: { url: dead, job: 'dwcp-host', grouping: { instance: 'x' }, intervalMs: 1000 },
        log: (l, m) => logs.push(`${l} ${m}`),
      });
      for (let i = 0; i < 3; i++) {
        await svc.runCycle();
        await assert.rejects(svc.pushNow(), /ECONNREFUSED/);
      }
      const text = await registry.metrics();
      assert.match(text, /dwcp_collector_pushes_total\{result="error"\} 3/);
      assert.match(text, /node_load1 \d/);
      assert.equal(logs.filter((l) => l.includes('push failed')).length, 1, logs.join('\n'));
      assert.equal(svc.completedCycles, 3);
    });
  },
);
