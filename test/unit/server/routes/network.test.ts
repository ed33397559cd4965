/**
 * GET /api/network and its provider over a small in-memory store: hand-computed RTT statistics, RFC 3550 jitter
 * (the engine's known answer 10, 12, 11, 15 ms → 0.41845703125 ms), loss from counter increases (with a reset),
 * bandwidth utilisation, tunnel states, bounded reads, and query validation.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { getMetric } from '../../../../src/catalog/index.ts';
import type { NetworkOverview, PairNetwork } from '../../../../src/contract/network.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import type { Labels, Sample } from '../../../../src/model/sample.ts';
import {
  counterIncrease,
  createNetworkProvider,
  jitterOf,
  type NetworkProvider,
} from '../../../../src/monitor/network-provider.ts';
import { buildApp } from '../../../../src/server/app.ts';
import { parseNetworkQuery } from '../../../../src/server/routes/network.ts';
import { RecordingSampleStore, T0, testDeps } from '../../../helpers/server-fakes.ts';

const RTT = getMetric('dwcp_v3_network_rtt_seconds').name;
const SENT = getMetric('dwcp_v3_network_probes_sent_total').name;
const LOST = getMetric('dwcp_v3_network_probes_lost_total').name;
const BW = getMetric('dwcp_v3_network_bandwidth_bytes_per_second').name;
const CAP = getMetric('dwcp_v3_network_link_capacity_bytes_per_second').name;
/** Samples at T0, T0+1s, ...; the request time is one second after the last one. */
const NOW = T0 + 4000;

const apps: FastifyInstance[] = [];
after(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

function series(name: string, labels: Labels, values: readonly number[], startMs = T0): Sample[] {
  return values.map((value, i) => ({ name, labels, value, timestampMs: startMs + i * 1000 }));
}

const close = (a: number | null | undefined, b: number, what: string): void =>
  assert.ok(a !== null && a !== undefined && Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

/**
 * us-east → eu-west: node n1, RTT 10/12/11/15 ms, 30 probes sent and 1 lost, tx 1 MB/s rx 0.5 MB/s of 10 MB/s.
 * us-east → ap-south: nodes n1 and n2, n2's sent counter resets (100, 110, 5, 15 → +25), no loss.
 * eu-west → us-east: node n3, silent for the last 60 s (stale → down).
 */
async function seeded(): Promise<RecordingSampleStore> {
  const store = new RecordingSampleStore();
  const n1eu = { node: 'n1', region: 'us-east', node_id: 'n1', remote_region: 'eu-west' };
  const n1ap = { ...n1eu, remote_region: 'ap-south' };
  const n2ap = { node: 'n2', region: 'us-east', node_id: 'n2', remote_region: 'ap-south' };
  const n3us = { node: 'n3', region: 'eu-west', node_id: 'n3', remote_region: 'us-east' };
  await store.append([
    ...series(RTT, n1eu, [0.01, 0.012, 0.011, 0.015]),
    ...series(SENT, n1eu, [0, 10, 20, 30]),
    ...series(LOST, n1eu, [0, 0, 1, 1]),
    ...series(BW, { ...n1eu, direction: 'tx' }, [2e6, 1e6]),
    ...series(BW, { ...n1eu, direction: 'rx' }, [1e6, 5e5]),
    ...series(CAP, n1eu, [1e7, 1e7]),
    ...series(RTT, n1ap, [0.1, 0.1, 0.1, 0.1]),
    ...series(RTT, n2ap, [0.1, 0.116, 0.1, Number.NaN]),
    ...series(SENT, n1ap, [0, 10, 20, 30]),
    ...series(SENT, n2ap, [100, 110, 5, 15]),
    ...series(LOST, n1ap, [0, 0, 0, 0]),
    ...series(RTT, n3us, [0.08, 0.08], NOW - 62_000),
    // Outside the 15 min window: ignored.
    ...series(RTT, n1eu, [9], NOW - 3_600_000),
  ]);
  return store;
}

function pair(d: NetworkOverview, region: string, remote: string): PairNetwork {
  const p = d.pairs.find((x) => x.region === region && x.remoteRegion === remote);
  assert.ok(p, `${region} → ${remote}`);
  return p;
}

describe('network provider', () => {
  test('jitterOf is the RFC 3550 estimator; counterIncrease treats a decrease as a reset', () => {
    assert.equal(jitterOf([10, 12, 11, 15]), 0.41845703125);
    assert.equal(jitterOf([10]), null);
    assert.equal(jitterOf([]), null);
    assert.equal(counterIncrease([100, 110, 5, 15]), 25);
    assert.equal(counterIncrease([3]), 0);
  });

  test('RTT statistics, jitter, loss, bandwidth and tunnel health per region pair', async () => {
    const d = await createNetworkProvider(await seeded()).network(15 * 60_000, NOW);
    assert.deepEqual(d.window, { startMs: NOW - 900_000, endMs: NOW });
    assert.deepEqual(
      d.pairs.map((p) => [p.region, p.remoteRegion, p.nodes]),
      [
        ['eu-west', 'us-east', ['n3']],
        ['us-east', 'ap-south', ['n1', 'n2']],
        ['us-east', 'eu-west', ['n1']],
      ],
    );
    assert.deepEqual(d.warnings, []);

    const eu = pair(d, 'us-east', 'eu-west');
    assert.ok(eu.rtt);
    assert.equal(eu.rtt.samples, 4);
    close(eu.rtt.latestMs, 15, 'latest');
    close(eu.rtt.minMs, 10, 'min');
    close(eu.rtt.avgMs, 12, 'avg');
    close(eu.rtt.p50Ms, 11.5, 'p50'); // type 7: h = 1.5 between 11 and 12
    close(eu.rtt.p95Ms, 14.55, 'p95'); // h = 2.85: 12 + 0.85 × 3
    close(eu.rtt.maxMs, 15, 'max');
    close(eu.jitterMs, 0.41845703125, 'jitter');
    assert.deepEqual({ ...eu.loss, ratio: null }, { probesSent: 30, probesLost: 1, ratio: null });
    close(eu.loss.ratio, 1 / 30, 'loss');
    assert.deepEqual(eu.bandwidth, {
      txBytesPerSecond: 1e6,
      rxBytesPerSecond: 5e5,
      capacityBytesPerSecond: 1e7,
      utilization: { tx: 0.1, rx: 0.05, max: 0.1 },
    });
    assert.equal(eu.lastSeenMs, T0 + 3000);
    assert.equal(eu.tunnel.state, 'degraded');
    assert.match(eu.tunnel.reasons.join(';'), /^loss 0\.033/);

    const ap = pair(d, 'us-east', 'ap-south');
    assert.ok(ap.rtt);
    assert.equal(ap.rtt.samples, 7); // pooled over n1 and n2; n2's NaN skipped
    // n1 is constant (jitter 0); n2: D = 16, −16 → J = 1, then 1 + (16 − 1)/16 = 1.9375 ms; the worst is reported.
    close(ap.jitterMs, 1.9375, 'jitter of the worst node');
    close(ap.rtt.latestMs, 100, 'latest (n1 at T0+3s)');
    assert.deepEqual(ap.loss, { probesSent: 55, probesLost: 0, ratio: 0 });
    assert.equal(ap.bandwidth, null);
    assert.deepEqual(ap.tunnel, { state: 'up', reasons: [] });

    const us = pair(d, 'eu-west', 'us-east');
    assert.equal(us.tunnel.state, 'down');
    assert.match(us.tunnel.reasons[0]!, /no sample for 61000 ms/);
    assert.deepEqual(us.loss, { probesSent: 0, probesLost: 0, ratio: null });
    close(us.jitterMs, 0, 'constant RTT');
  });

  test('region filter, thresholds, and bounded reads with warnings', async () => {
    const store = await seeded();
    const only = await createNetworkProvider(store).network(15 * 60_000, NOW, 'us-east');
    assert.deepEqual(
      only.pairs.map((p) => p.remoteRegion),
      ['ap-south', 'eu-west'],
    );

    const lenient = createNetworkProvider(store, { tunnel: { degradedLoss: 0.05 } });
    assert.equal(pair(await lenient.network(900_000, NOW), 'us-east', 'eu-west').tunnel.state, 'up');
    assert.throws(() => createNetworkProvider(store, { tunnel: { degradedLoss: 0 } }), InvalidInputError);

    store.finds.length = 0;
    store.reads.length = 0;
    const bounded = await createNetworkProvider(store, { maxSeries: 2, maxPointsPerSeries: 3 }).network(
      900_000,
      NOW,
    );
    assert.ok(store.finds.length > 0 && store.finds.every((f) => f.limit === 2));
    assert.ok(store.reads.length > 0 && store.reads.every((r) => r.max === 3 && r.ids.length <= 2));
    assert.ok(bounded.warnings.some((w) => w === `${RTT}: read the first 2 series only`));
    assert.ok(bounded.warnings.some((w) => w === `${RTT}: read the latest 3 points per series only`));
    const eu = pair(bounded, 'us-east', 'eu-west');
    assert.equal(eu.rtt?.samples, 3); // latest 3 points: 12, 11, 15 ms
  });

  test('an empty store gives no pairs', async () => {
    const d = await createNetworkProvider(new RecordingSampleStore()).network(60_000, NOW);
    assert.deepEqual(d, { window: { startMs: NOW - 60_000, endMs: NOW }, pairs: [], warnings: [] });
  });
});

async function app(
  network: NetworkProvider | undefined,
  samples = new RecordingSampleStore(),
): Promise<FastifyInstance> {
  const deps = { ...testDeps(), samples, ...(network ? { network } : {}) };
  const a = await buildApp(deps, { now: () => NOW, checkResponses: true });
  apps.push(a);
  return a;
}

describe('GET /api/network', () => {
  test('200 with the overview; default window 15 m; region filter', async () => {
    const store = await seeded();
    const a = await app(createNetworkProvider(store), store);
    const res = await a.inject({ method: 'GET', url: '/api/network' });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { status: string; data: NetworkOverview };
    assert.equal(body.status, 'success');
    assert.deepEqual(body.data.window, { startMs: NOW - 900_000, endMs: NOW });
    assert.equal(body.data.pairs.length, 3);
    const eu = pair(body.data, 'us-east', 'eu-west');
    close(eu.jitterMs, 0.41845703125, 'jitter over HTTP');

    const r2 = await a.inject({ method: 'GET', url: '/api/network?window=1m&region=eu-west' });
    assert.equal(r2.statusCode, 200);
    const d2 = (r2.json() as { data: NetworkOverview }).data;
    assert.deepEqual(d2.window, { startMs: NOW - 60_000, endMs: NOW });
    assert.deepEqual(
      d2.pairs.map((p) => [p.region, p.remoteRegion]),
      [['eu-west', 'us-east']],
    );
  });

  test('404 when the monitor has no network provider', async () => {
    const a = await app(undefined);
    const res = await a.inject({ method: 'GET', url: '/api/network' });
    assert.equal(res.statusCode, 404);
  });

  test('400 for bad input', async () => {
    const a = await app(createNetworkProvider(new RecordingSampleStore()));
    for (const q of [
      'window=5s',
      'window=25h',
      'window=abc',
      'window=-60',
      'window=1m&window=2m',
      'region=bad%20region',
      'region=',
      `region=${'x'.repeat(129)}`,
      'foo=1',
    ]) {
      const res = await a.inject({ method: 'GET', url: `/api/network?${q}` });
      assert.equal(res.statusCode, 400, `${q}: ${res.body}`);
    }
  });

  test('parseNetworkQuery accepts seconds and duration strings within [10 s, 24 h]', () => {
    assert.deepEqual(parseNetworkQuery({}), { windowMs: 900_000, region: undefined });
    assert.deepEqual(parseNetworkQuery({ window: '10' }), { windowMs: 10_000, region: undefined });
    assert.deepEqual(parseNetworkQuery({ window: '24h', region: 'ap-south.1' }), {
      windowMs: 86_400_000,
      region: 'ap-south.1',
    });
    assert.throws(() => parseNetworkQuery({ window: '9s' }), InvalidInputError);
  });
});
