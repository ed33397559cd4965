/**
 * SDK benchmarks: the recording path of our wrappers against raw prom-client for the same metric, and the
 * `/metrics` render of a busy simulated node (full catalog) and of 10k series against prom-client's own
 * `registry.metrics()`, all measured in the same run.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { getMetric, metricsOf } from '../src/catalog/index.ts';
import { startMetricsServer } from '../src/sdk/metrics-server.ts';
import { createCatalogMetrics } from '../src/catalog/registry.ts';
import { AmstMetrics } from '../src/sdk/v1/amst.ts';
import { DwcpV3Collector } from '../src/sdk/v3/collector.ts';
import { Prng } from '../src/sim/prng.ts';
import { linkProfile } from '../src/sim/link-model.ts';
import { SimNode } from '../src/sim/node.ts';
import { opsPerSecond, opsPerSecondAsync, type BenchTable } from './table.ts';

function recordingTable(): BenchTable {
  const base = { cluster: 'us-east', node: 'node-1' };
  // Raw prom-client, same definitions as the catalog.
  const rawReg = new Registry();
  const errDef = getMetric('dwcp_amst_errors_total');
  const latDef = getMetric('dwcp_amst_latency_seconds');
  const rawErr = new Counter({
    name: errDef.name,
    help: errDef.help,
    labelNames: [...errDef.labels],
    registers: [rawReg],
  });
  const rawLat = new Histogram({
    name: latDef.name,
    help: latDef.help,
    labelNames: [...latDef.labels],
    buckets: [...latDef.buckets!],
    registers: [rawReg],
  });
  // Our SDK.
  const sdkReg = new Registry();
  const amst = new AmstMetrics(createCatalogMetrics(sdkReg, metricsOf('v1')), base);
  const v3Reg = new Registry();
  const v3 = new DwcpV3Collector(createCatalogMetrics(v3Reg, metricsOf('v3')), 'node-1');
  const opsDef = getMetric('dwcp_v3_component_operations_total');
  const clDef = getMetric('dwcp_v3_component_latency_seconds');
  const raw3Reg = new Registry();
  const rawOps = new Counter({
    name: opsDef.name,
    help: opsDef.help,
    labelNames: [...opsDef.labels],
    registers: [raw3Reg],
  });
  const rawCl = new Histogram({
    name: clDef.name,
    help: clDef.help,
    labelNames: [...clDef.labels],
    buckets: [...clDef.buckets!],
    registers: [raw3Reg],
  });

  const rows = [
    {
      name: 'prom-client counter.inc',
      value: opsPerSecond((n) => {
        for (let i = 0; i < n; i++) rawErr.inc({ ...base, error_type: 'timeout' });
      }, 100_000),
      unit: 'ops/s',
    },
    {
      name: 'sdk AmstMetrics.onStreamError',
      value: opsPerSecond((n) => {
        for (let i = 0; i < n; i++) amst.onStreamError('s-1', 'timeout');
      }, 100_000),
      unit: 'ops/s',
    },
    {
      name: 'prom-client histogram.observe',
      value: opsPerSecond((n) => {
        for (let i = 0; i < n; i++) rawLat.observe({ ...base, operation: 'chunk_send' }, 0.004);
      }, 100_000),
      unit: 'ops/s',
    },
    {
      name: 'sdk AmstMetrics.observeLatency',
      value: opsPerSecond((n) => {
        for (let i = 0; i < n; i++) amst.observeLatency('chunk_send', 0.004);
      }, 100_000),
      unit: 'ops/s',
    },
    {
      name: 'prom-client counter.inc + histogram.observe',
      value: opsPerSecond((n) => {
        for (let i = 0; i < n; i++) {
          rawOps.inc({ node_id: 'node-1', component: 'hde', operation_type: 'encode' });
          rawCl.observe({ node_id: 'node-1', component: 'hde' }, 0.002);
        }
      }, 100_000),
      unit: 'ops/s',
    },
    {
      name: 'sdk DwcpV3Collector.componentOperation',
      value: opsPerSecond((n) => {
        for (let i = 0; i < n; i++) v3.componentOperation('hde', 'encode', 0.002);
      }, 100_000),
      unit: 'ops/s',
    },
  ];
  return {
    title: 'SDK recording path vs raw prom-client (same metric, same labels)',
    anchor: 'prom-client counter.inc',
    rows,
    goal: 'each sdk row >= 0.9x the prom-client row above it (ratios to the first row are printed; compare pairs)',
  };
}

async function renderTable(): Promise<BenchTable> {
  // A busy simulated node: full catalog, ticked for 120 s of simulated time.
  const start = Date.UTC(2026, 0, 1);
  const node = new SimNode({
    id: 'node-1',
    region: 'us-east',
    profile: linkProfile('datacenter', new Prng(7)),
    seed: 7,
    rolloutPercent: 50,
    daySeconds: 86400,
    startMs: start,
    faults: [],
    peers: ['node-2', 'node-3'],
    remoteRegions: ['eu-west'],
    warn: () => undefined,
  });
  for (let t = 0; t <= 120; t++) node.tick(start + t * 1000);
  const busyText = await node.registry.metrics();
  const busySeries = busyText.split('\n').filter((l) => l && !l.startsWith('#')).length;
  const busyServer = await startMetricsServer({ registry: node.registry, port: 0, service: 'bench' });

  // 10k series of one gauge, created through the catalog.
  const bigReg = new Registry();
  const g = createCatalogMetrics(bigReg, [getMetric('dwcp_v3_mode_throughput_bytes_per_second')]).gauge(
    'dwcp_v3_mode_throughput_bytes_per_second',
  );
  for (let i = 0; i < 10_000; i++) g.set({ node_id: `node-${i}`, mode: 'datacenter' }, i * 1000);
  const bigServer = await startMetricsServer({ registry: bigReg, port: 0, service: 'bench' });
  try {
    const rows = [
      {
        name: `busy node registry.metrics() (${busySeries} series)`,
        value: await opsPerSecondAsync(async (n) => {
          for (let i = 0; i < n; i++) await node.registry.metrics();
        }, 20),
        unit: 'renders/s',
      },
      {
        name: 'busy node GET /metrics (sdk server, loopback HTTP)',
        value: await opsPerSecondAsync(async (n) => {
          for (let i = 0; i < n; i++) await (await fetch(busyServer.url + '/metrics')).text();
        }, 20),
        unit: 'renders/s',
      },
      {
        name: '10k series registry.metrics()',
        value: await opsPerSecondAsync(async (n) => {
          for (let i = 0; i < n; i++) await bigReg.metrics();
        }, 5),
        unit: 'renders/s',
      },
      {
        name: '10k series GET /metrics (sdk server, loopback HTTP)',
        value: await opsPerSecondAsync(async (n) => {
          for (let i = 0; i < n; i++) await (await fetch(bigServer.url + '/metrics')).text();
        }, 5),
        unit: 'renders/s',
      },
    ];
    return {
      title: '/metrics render: sdk server vs prom-client registry.metrics()',
      anchor: rows[0]!.name,
      rows,
    };
  } finally {
    await busyServer.close();
    await bigServer.close();
  }
}

/** Runs the SDK benchmarks. */
export async function benchSdk(): Promise<BenchTable[]> {
  return [recordingTable(), await renderTable()];
}
