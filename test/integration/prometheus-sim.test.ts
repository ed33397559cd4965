/**
 * The simulator and the monitor scraped by the real Debian Prometheus: every target up, and every v1, v3,
 * production and monitor catalog metric known to Prometheus with the catalog's type (metadata comes from the
 * scraped # TYPE lines). The monitor itself scrapes the simulator and sends alerts to a local receiver, so
 * its self-metrics are live.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { metricsOf } from '../../src/catalog/index.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseMonitorConfig } from '../../src/config.ts';
import { startAlertReceiver, type AlertReceiver } from '../../src/demo/alert-receiver.ts';
import { startMonitor, type RunningMonitor } from '../../src/main.ts';
import { startCluster, type Cluster } from '../../src/sim/cluster.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { prometheusConfig, startPrometheus, type PrometheusInstance } from '../helpers/prometheus.ts';
import { pollUntil } from '../helpers/server-process.ts';

const binary = requireBinary('prometheus');

interface VectorResult {
  readonly resultType: string;
  readonly result: { metric: Record<string, string>; value: [number, string] }[];
}
type Metadata = Record<string, { type: string; help: string; unit: string }[]>;

describe(
  'simulator scraped by Prometheus',
  { skip: binary ? false : 'prometheus binary not found (outside CI)' },
  () => {
    let cluster: Cluster | undefined;
    let prom: PrometheusInstance | undefined;
    let monitor: RunningMonitor | undefined;
    let receiver: AlertReceiver | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-prom-'));

    before(async () => {
      cluster = await startCluster({
        nodes: 3,
        regions: ['us-east', 'eu-west', 'ap-south'],
        portBase: 0,
        seed: 7,
        tickMs: 500,
        warn: () => {},
      });
      receiver = await startAlertReceiver();
      monitor = await startMonitor({
        config: parseMonitorConfig({
          listen: { host: '127.0.0.1', port: 0 },
          auth: { mode: 'disabled' }, // loopback; this test exercises another surface (auth: web-login, web-dashboards, auth tests)
          storage: { type: 'sqlite', path: join(dir, 'monitor.db') },
          targets: cluster.nodes.map((n) => ({
            id: n.id,
            url: `${n.url}/metrics`,
            labels: { region: n.region, node: n.id },
          })),
          detection: { confirmSamples: 1 },
          alerting: { webhooks: [{ name: 'test', url: receiver.url }] },
        }),
        logger: pino({ level: 'silent' }),
      });
      const targets = [
        ...cluster.nodes.map((n) => ({
          address: `127.0.0.1:${n.port}`,
          labels: { node_id: n.id, region: n.region },
        })),
        { address: `127.0.0.1:${monitor.port}`, labels: { node_id: 'monitor', region: 'local' } },
      ];
      prom = await startPrometheus(binary!, prometheusConfig('dwcp-sim', targets, '1s'));
    });

    after(async () => {
      await prom?.stop();
      await monitor?.stop();
      await receiver?.close();
      await cluster?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('scrapes every node: up == 1 for every target', async () => {
      const up = await pollUntil(
        'up == 1 for 4 targets',
        async () => {
          const d = await prom!.api<VectorResult>('/api/v1/query?query=up');
          return d.result.length === 4 && d.result.every((r) => r.value[1] === '1') ? d : undefined;
        },
        30_000,
        500,
      ).catch((e: Error) => assert.fail(`${e.message}\nprometheus log:\n${prom!.logs()}`));
      assert.deepEqual(up.result.map((r) => r.metric.node_id).sort(), [
        'monitor',
        'node-1',
        'node-2',
        'node-3',
      ]);
    });

    it('metadata lists every v1, v3, production and monitor catalog metric with its type', async () => {
      const defs = [
        ...metricsOf('v1'),
        ...metricsOf('v3'),
        ...metricsOf('production'),
        ...metricsOf('monitor'),
      ];
      // The nodes answer Prometheus in OpenMetrics (it prefers it), where a counter family is named without
      // `_total`; the monitor answers in the text format, where it keeps it.
      const entriesOf = (m: Metadata, name: string) => m[name] ?? m[name.replace(/_total$/, '')];
      const meta = await pollUntil(
        'metadata for every catalog metric',
        async () => {
          const m = await prom!.api<Metadata>('/api/v1/metadata');
          return defs.every((d) => entriesOf(m, d.name)) ? m : undefined;
        },
        30_000,
        500,
      ).catch((e: Error) => assert.fail(e.message));
      for (const d of defs) {
        const entries = entriesOf(meta, d.name)!;
        assert.ok(
          entries.some((e) => e.type === d.type),
          `${d.name}: ${JSON.stringify(entries)} (want ${d.type})`,
        );
        assert.ok(
          entries.some((e) => e.help === d.help),
          `${d.name} help`,
        );
      }
    });

    it('series of all three modes are stored per node', async () => {
      const d = await pollUntil(
        'current mode of 3 nodes',
        async () => {
          const r = await prom!.api<VectorResult>(
            '/api/v1/query?query=' + encodeURIComponent('max by (node_id, mode) (dwcp_v3_current_mode) == 1'),
          );
          return r.result.length === 3 ? r : undefined;
        },
        20_000,
        500,
      );
      const modes = Object.fromEntries(d.result.map((r) => [r.metric.node_id, r.metric.mode]));
      assert.equal(modes['node-1'], 'datacenter');
      assert.equal(modes['node-2'], 'internet');
    });
  },
);
