/**
 * Scale-out on a real Debian VictoriaMetrics with two monitors scraping a simulated cluster:
 * - an HA pair (both replicas scrape every target each second, same external labels) written to a
 *   VictoriaMetrics started with `-dedup.minScrapeInterval=1s`: one series per target, at most one sample per
 *   1-second dedup interval, and the series goes on after one replica stops;
 * - a sharded pair (`scrape.shards` 2): each replica scrapes its hashmod share and lists the rest as dropped,
 *   every target is stored exactly once, by the replica of its shard, and each replica reads back its own
 *   series through its external labels.
 * @see https://docs.victoriametrics.com/single-server-victoriametrics/#deduplication
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { parseMonitorConfig } from '../../src/config.ts';
import { partitionTargets } from '../../src/ingest/shard.ts';
import { startMonitor, type RunningMonitor } from '../../src/main.ts';
import type { RemoteBackedStore } from '../../src/remote-store/open.ts';
import { startCluster, type Cluster } from '../../src/sim/cluster.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { prometheusApi } from '../helpers/prometheus.ts';
import { freePort } from '../helpers/server-process.ts';
import { startVictoriaMetrics, type VictoriaMetricsInstance } from '../helpers/victoria-metrics.ts';

const binary = requireBinary('victoria-metrics');
const skip = binary ? false : 'victoria-metrics binary not found (outside CI)';
const REGIONS = ['us-east', 'eu-west', 'ap-south'];

type Matrix = { metric: Record<string, string>; values: [number, string][] }[];

/** A loopback monitor replica scraping `cluster` every second into `vm`, its own tables under `dir/name`. */
function replica(
  dir: string,
  name: string,
  vm: VictoriaMetricsInstance,
  cluster: Cluster,
  extra: { externalLabels: Record<string, string>; shards?: { count: number; index: number } },
): Promise<RunningMonitor> {
  mkdirSync(join(dir, name), { recursive: true });
  return startMonitor({
    config: parseMonitorConfig({
      listen: { host: '127.0.0.1', port: 0 },
      auth: { mode: 'disabled' }, // loopback; this test exercises storage (auth: web-login, web-dashboards, auth tests)
      host: { enabled: false },
      detection: { enabled: false },
      scrape: { interval: '1s', timeout: '900ms', ...(extra.shards ? { shards: extra.shards } : {}) },
      targets: cluster.nodes.map((n) => ({
        id: n.id,
        url: `${n.url}/metrics`,
        labels: { region: n.region, node: n.id },
      })),
      storage: {
        type: 'victoriametrics',
        writeUrl: vm.writeUrl,
        readUrl: vm.url,
        queue: { batchDeadline: '100ms' },
        externalLabels: extra.externalLabels,
        state: { type: 'sqlite', path: join(dir, name, 'state.db') },
      },
    }),
    logger: pino({ level: 'silent' }),
    webRoot: dir,
  });
}

/** The monitor's `dwcp_monitor_remote_storage_samples_sent_total`. */
async function sentTotal(m: RunningMonitor): Promise<number> {
  const text = await (await fetch(`${m.url}metrics`)).text();
  return Number(/^dwcp_monitor_remote_storage_samples_sent_total (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
}

/** Raw `up` samples of `selector` over the last `windowMs` before `atMs`, read from VictoriaMetrics by PromQL. */
async function upSamples(
  vm: VictoriaMetricsInstance,
  selector: string,
  atMs: number,
  windowMs: number,
): Promise<Matrix> {
  await vm.forceFlush();
  return prometheusApi<{ result: Matrix }>(
    vm.url,
    `/api/v1/query?query=${encodeURIComponent(`up${selector}[${windowMs}ms]`)}&time=${atMs / 1000}`,
  ).then((d) => d.result);
}

describe('an HA pair deduplicated by VictoriaMetrics', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-vm-ha-'));
  let vm: VictoriaMetricsInstance | undefined;
  let cluster: Cluster | undefined;
  const replicas: RunningMonitor[] = [];

  before(async () => {
    vm = await startVictoriaMetrics(binary!, ['-dedup.minScrapeInterval=1s']);
    cluster = await startCluster({
      nodes: 3,
      regions: REGIONS,
      portBase: 0,
      seed: 7,
      tickMs: 500,
      warn: () => {},
    });
  });

  after(async () => {
    for (const m of replicas) await m.stop();
    await cluster?.stop();
    await vm?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps one series per target with at most one sample per interval, and the survivor carries on alone', async () => {
    const labels = { monitor: 'dwcp-ha' };
    const a = await replica(dir, 'a', vm!, cluster!, { externalLabels: labels });
    replicas.push(a);
    const b = await replica(dir, 'b', vm!, cluster!, { externalLabels: labels });
    replicas.push(b);
    const bothFrom = Date.now();
    await sleep(6000);
    const sentA = await sentTotal(a);
    await a.stop(); // sends what it holds, then stops
    const aStopped = Date.now();
    await sleep(4000);
    const sentB = await sentTotal(b);
    await b.stop();
    const end = Date.now();
    assert.ok(sentA > 0 && sentB > 0, `both replicas wrote (a ${sentA}, b ${sentB} samples)`);

    const series = await upSamples(vm!, '{monitor="dwcp-ha"}', end + 1000, end + 1000 - bothFrom + 2000);
    assert.deepEqual(
      series.map((s) => s.metric['instance']).sort(),
      cluster!.nodes.map((n) => `127.0.0.1:${n.port}`).sort(),
      'one series per target',
    );
    for (const s of series) {
      assert.deepEqual(
        Object.keys(s.metric).sort(),
        ['__name__', 'instance', 'job', 'monitor', 'node', 'region'],
        'no label tells the replicas apart',
      );
      const ts = s.values.map(([t]) => Math.round(t * 1000));
      // VictoriaMetrics keeps the last sample of each interval (k s, k+1 s]
      const intervals = ts.map((t) => Math.ceil(t / 1000));
      assert.equal(
        new Set(intervals).size,
        ts.length,
        `${s.metric['instance']}: two samples in one dedup interval (${ts.join(', ')})`,
      );
      const whileBoth = ts.filter((t) => t > bothFrom + 1000 && t < aStopped - 1000).length;
      const expected = Math.floor((aStopped - bothFrom - 2000) / 1000);
      assert.ok(
        whileBoth >= Math.floor(expected / 2) && whileBoth <= expected + 1,
        `${s.metric['instance']}: ${whileBoth} samples while both scraped for ${expected} s`,
      );
      assert.ok(
        ts.filter((t) => t > aStopped + 500).length >= 2,
        `${s.metric['instance']}: the series goes on after replica a stopped`,
      );
    }
  });
});

/** A first port of `n` consecutive ones whose loopback addresses split over 2 shards with at least 2 on each. */
async function portBaseSplitting(n: number): Promise<number> {
  for (let base = await freePort(); ; base += n) {
    const targets = Array.from({ length: n }, (_, i) => ({ url: `http://127.0.0.1:${base + i}/metrics` }));
    const kept = partitionTargets(targets, { count: 2, index: 0 }).kept.length;
    if (kept >= 2 && n - kept >= 2 && base + n < 65_000) return base;
  }
}

describe('a sharded pair', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-vm-shards-'));
  let vm: VictoriaMetricsInstance | undefined;
  let cluster: Cluster | undefined;
  const replicas: RunningMonitor[] = [];

  before(async () => {
    vm = await startVictoriaMetrics(binary!);
    for (let attempt = 1; !cluster; attempt++) {
      try {
        cluster = await startCluster({
          nodes: 6,
          regions: REGIONS,
          portBase: await portBaseSplitting(6),
          seed: 7,
          tickMs: 500,
          warn: () => {},
        });
      } catch (e) {
        if (attempt >= 5 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      }
    }
  });

  after(async () => {
    for (const m of replicas) await m.stop();
    await cluster?.stop();
    await vm?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes each target on the replica of its hashmod shard only, and stores it exactly once', async () => {
    for (const index of [0, 1])
      replicas.push(
        await replica(dir, `shard-${index}`, vm!, cluster!, {
          externalLabels: { monitor: 'dwcp-sharded', shard: String(index) },
          shards: { count: 2, index },
        }),
      );
    const from = Date.now();
    const targets = cluster!.nodes.map((n) => ({ id: n.id, url: `${n.url}/metrics` }));
    for (const index of [0, 1]) {
      const expected = partitionTargets(targets, { count: 2, index });
      const body = (await (await fetch(`${replicas[index]!.url}api/v1/targets`)).json()) as {
        data: {
          activeTargets: { id: string }[];
          droppedTargets: { id: string; reason: string; shard: number }[];
        };
      };
      assert.deepEqual(
        body.data.activeTargets.map((t) => t.id).sort(),
        expected.kept.map((t) => t.id).sort(),
        `replica ${index} scrapes its share`,
      );
      assert.deepEqual(
        body.data.droppedTargets.map((t) => [t.id, t.reason, t.shard]).sort(),
        expected.others.map((o) => [o.target.id, 'other_shard', o.shard]).sort(),
        `replica ${index} lists the rest as the other shard's`,
      );
    }
    await sleep(4000);
    // each replica reads back through its external labels: its own shard's series, without those labels
    for (const index of [0, 1]) {
      const store = replicas[index]!.store as RemoteBackedStore;
      assert.equal(await store.samples.flush(5000), true);
      await vm!.forceFlush();
      const own = await store.findSeries('up', {}, 100);
      assert.deepEqual(
        own.map((r) => r.labels['node']).sort(),
        partitionTargets(targets, { count: 2, index })
          .kept.map((t) => t.id)
          .sort(),
        `replica ${index} reads its own series`,
      );
      assert.ok(
        own.every((r) => r.labels['shard'] === undefined && r.labels['monitor'] === undefined),
        'external labels are left out of what is read back',
      );
    }
    for (const m of replicas.splice(0)) await m.stop();
    const end = Date.now();

    const series = await upSamples(vm!, '{monitor="dwcp-sharded"}', end + 1000, end + 1000 - from + 2000);
    const byInstance = new Map<string, Matrix>();
    for (const s of series)
      byInstance.set(s.metric['instance']!, [...(byInstance.get(s.metric['instance']!) ?? []), s]);
    assert.equal(byInstance.size, targets.length, 'every target stored');
    for (const t of targets) {
      const instance = new URL(t.url).host;
      const stored = byInstance.get(instance) ?? [];
      assert.equal(
        stored.length,
        1,
        `${t.id}: one series, from one replica (${stored.map((s) => s.metric['shard']).join(', ')})`,
      );
      const shard = partitionTargets([t], { count: 2, index: 0 }).kept.length === 1 ? '0' : '1';
      assert.equal(stored[0]!.metric['shard'], shard, `${t.id}: written by the replica of its shard`);
      const ts = stored[0]!.values.map(([x]) => x);
      assert.ok(ts.length >= 2, `${t.id}: scraped (${ts.length} samples)`);
      assert.ok(
        ts.every((x, i) => i === 0 || x - ts[i - 1]! > 0.5),
        `${t.id}: one scrape a second, not two`,
      );
    }
  });
});
