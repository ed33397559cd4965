/**
 * Scrape sharding agrees with a real Prometheus (Debian 2.42): one Prometheus runs a scrape pool per shard of 3,
 * each with the `hashmod` relabelling `dwcp-monitor generate --shards 3` writes, over the same 60 targets; the
 * targets each pool keeps are exactly the ones the monitor's shard of that index scrapes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { prometheusConfig as generatedConfig } from '../../src/generate/prometheus/config.ts';
import { partitionTargets } from '../../src/ingest/shard.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { startPrometheus, type PrometheusInstance } from '../helpers/prometheus.ts';
import { pollUntil } from '../helpers/server-process.ts';

const binary = requireBinary('prometheus');
const SHARDS = 3;
// 40 loopback ports and 20 host names (never resolved: the scrape interval is an hour, nothing is scraped)
const addresses = [
  ...Array.from({ length: 40 }, (_, i) => `127.0.0.1:${9100 + i}`),
  ...Array.from({ length: 20 }, (_, i) => `node-${i + 1}.dwcp.example:9100`),
];

/** The relabelling of shard `k` exactly as the generated Prometheus config has it. */
function generatedRelabelling(k: number): unknown {
  const cfg = generatedConfig(
    {
      shards: SHARDS,
      scrapeInterval: '1h',
      evaluationInterval: '1h',
      alertmanagers: [],
      ruleFiles: [],
      monitorTargets: [],
    },
    k,
  ) as { scrape_configs: { job_name: string; relabel_configs: unknown }[] };
  return cfg.scrape_configs.find((j) => j.job_name === 'dwcp')!.relabel_configs;
}

describe(
  'scrape shards against Prometheus hashmod',
  { skip: binary ? false : 'prometheus binary not found (outside CI)' },
  () => {
    let prom: PrometheusInstance | undefined;

    before(async () => {
      const config = {
        global: { scrape_interval: '1h', scrape_timeout: '10s' },
        scrape_configs: Array.from({ length: SHARDS }, (_, k) => ({
          job_name: `shard-${k}`,
          static_configs: [{ targets: addresses }],
          relabel_configs: generatedRelabelling(k),
        })),
      };
      prom = await startPrometheus(binary!, stringify(config));
    });

    after(async () => {
      await prom?.stop();
    });

    it('keeps in each pool the targets the monitor replica of that shard scrapes', async () => {
      type Targets = {
        activeTargets: { scrapePool: string; labels: Record<string, string> }[];
        droppedTargets: unknown[];
      };
      const data = await pollUntil(
        'every pool discovered',
        async () => {
          const d = await prom!.api<Targets>('/api/v1/targets?state=any');
          return d.activeTargets.length + d.droppedTargets.length === SHARDS * addresses.length
            ? d
            : undefined;
        },
        20_000,
        200,
      ).catch((e: Error) => assert.fail(`${e.message}\n${prom!.logs()}`));
      const targets = addresses.map((a) => ({ url: `http://${a}/metrics` }));
      for (let k = 0; k < SHARDS; k++) {
        const byPrometheus = data.activeTargets
          .filter((t) => t.scrapePool === `shard-${k}`)
          .map((t) => t.labels['instance'])
          .sort();
        const byMonitor = partitionTargets(targets, { count: SHARDS, index: k })
          .kept.map((t) => new URL(t.url).host)
          .sort();
        assert.ok(byPrometheus.length > 0, `Prometheus keeps some targets in shard ${k}`);
        assert.deepEqual(byMonitor, byPrometheus, `shard ${k}`);
      }
    });
  },
);
