/** The store contract, `AnomalyStore` part (see ./store-contract.ts). */
import assert from 'node:assert/strict';
import { InvalidInputError, NotFoundError } from '../../src/errors.ts';
import { backInsideBand, conditionCleared, judgedNormal, type Anomaly } from '../../src/model/anomaly.ts';
import { MAX_STORED_VOTES } from '../../src/store/types.ts';
import { Registry } from 'prom-client';
import { metricsOf } from '../../src/catalog/index.ts';
import { createCatalogMetrics } from '../../src/catalog/registry.ts';
import { AnomalySink } from '../../src/monitor/anomaly-sink.ts';
import { DetectionEngine } from '../../src/monitor/detection-engine.ts';
import { SeriesTracker } from '../../src/monitor/series-tracker.ts';
import { THRESHOLD_ENGINE_OPTIONS } from '../unit/monitor/detection-engine-fixtures.ts';
import { anomaly, T0, type ContractOpener } from './store-fixtures.ts';
import type { ContractTest } from './store-suite.ts';

/** Registers the anomaly part of the store contract. */
export function anomalyStoreContract(test: ContractTest, open: ContractOpener): void {
  test('anomaly insert, resolve, acknowledge (NotFoundError for unknown ids), round-trip of every field', async () => {
    const { anomalies: store } = await open();
    const votes = [
      { detector: 'seasonal', score: 0.71, voted: true },
      { detector: 'ewma', score: 0.2, voted: false },
    ];
    const a = await store.insert(anomaly({ observed: Number.NaN, score: 0.71, votes }));
    assert.deepEqual(a.votes, votes);
    assert.ok(a.id > 0);
    assert.ok(Number.isNaN(a.observed));
    const [listed] = await store.list({ limit: 10, component: 'amst' });
    assert.deepEqual({ ...listed!, observed: 0 }, { ...a, observed: 0 });
    assert.ok(Number.isNaN(listed!.observed));
    await store.resolve(a.id, T0 + 60_000, 'back inside the band for 3 samples');
    const ack = await store.acknowledge(a.id);
    assert.equal(ack.acknowledged, true);
    assert.equal(ack.resolvedAtMs, T0 + 60_000);
    assert.equal(typeof ack.startedAtMs, 'number');
    for (const id of [999_999, 0, -1, 1.5, Number.NaN]) {
      await assert.rejects(store.acknowledge(id), NotFoundError, `acknowledge(${id})`);
      await assert.rejects(store.resolve(id, T0, 'new level accepted'), NotFoundError, `resolve(${id})`);
    }
    const b2 = await store.insert(anomaly());
    assert.ok(b2.id > a.id, 'ids increase');
  });

  test('anomaly resolution reason: every ending stored with its reason and read back; an open anomaly has none', async () => {
    const { anomalies: store } = await open();
    const accepted = await store.insert(anomaly({ startedAtMs: T0 }));
    const back = await store.insert(anomaly({ startedAtMs: T0 + 1 }));
    await store.resolve(accepted.id, T0 + 60_000, 'new level accepted');
    await store.resolve(back.id, T0 + 60_000, backInsideBand(4));
    const byId = async (id: number) => (await store.list({ limit: 1, id }))[0]!;
    assert.equal((await byId(accepted.id)).resolution, 'new level accepted');
    assert.equal((await byId(accepted.id)).resolvedAtMs, T0 + 60_000);
    assert.equal((await byId(back.id)).resolution, 'back inside the band for 4 samples');
    const reasons = [
      judgedNormal(1),
      conditionCleared(3),
      'target answering again',
      'monitor restarted without its state',
    ] as const;
    for (const [i, reason] of reasons.entries()) {
      const x = await store.insert(anomaly({ startedAtMs: T0 + 10 + i }));
      await store.resolve(x.id, T0 + 60_000, reason);
      assert.equal((await byId(x.id)).resolution, reason);
    }
    assert.equal('resolution' in accepted, false, 'an open anomaly has none');
    const inserted = await store.insert(
      anomaly({ startedAtMs: T0 + 2, resolvedAtMs: T0 + 3, resolution: 'new level accepted' }),
    );
    assert.equal(
      (await byId(inserted.id)).resolution,
      'new level accepted',
      'inserted resolved with a reason',
    );
  });

  test('every anomaly the engine resolves is stored with its reason (engine → sink → this store)', async () => {
    const { anomalies: store } = await open();
    const engine = new DetectionEngine(THRESHOLD_ENGINE_OPTIONS);
    const sink = new AnomalySink({
      store,
      metrics: createCatalogMetrics(new Registry(), metricsOf('monitor')),
      publish: () => undefined,
      senders: [],
      externalUrl: 'http://x',
      maxOpen: 10,
      onError: (e) => assert.fail(String(e)),
    });
    const tr = new SeriesTracker(10);
    // A throughput excursion back inside its band, then a target outage that ends.
    const steps: [string, number][] = [
      ...[1, 1, 20, 20, 20, 1, 1, 1, 1].map((v): [string, number] => [
        'dwcp_v3_rdma_throughput_bytes_per_second',
        v,
      ]),
      ...[0, 0, 1].map((v): [string, number] => ['up', v]),
    ];
    for (const [i, [name, value]] of steps.entries()) {
      const t = T0 + (i + 1) * 1000;
      await sink.handle(
        engine.process(tr.admit([{ name, labels: { node_id: 'n' }, value, timestampMs: t }]).inputs, t),
      );
    }
    const rows = await store.list({ limit: 10 });
    assert.deepEqual(rows.map((r) => [r.metric, r.resolution]).sort(), [
      ['dwcp_v3_rdma_throughput_bytes_per_second', 'back inside the band for 3 samples'],
      ['up', 'target answering again'],
    ]);
    for (const r of rows) assert.notEqual(r.resolvedAtMs, null);
  });

  test('anomaly list by id and by tenant scope (node ids, regions; LIKE wildcards and quotes are literal)', async () => {
    const { anomalies: store } = await open();
    const labels: Record<string, string>[] = [
      { node_id: 'n_1', region: 'eu' },
      { node_id: 'nX1', region: 'us' },
      { node_id: 'n%', region: 'us' },
      { node_id: 'a"b', region: 'ap' },
      { region: 'eu' },
      {},
    ];
    const stored: Anomaly[] = [];
    for (const [i, l] of labels.entries())
      stored.push(await store.insert(anomaly({ labels: l, startedAtMs: T0 + i })));
    const scope = (nodes: string[], regions: string[]) => ({
      kind: 'nodes' as const,
      tenant: 't',
      nodes: new Set(nodes),
      regions: new Set(regions),
    });
    const nodesOf = async (s: ReturnType<typeof scope>) =>
      (await store.list({ limit: 100, scope: s }))
        .map((a) => a.labels['node_id'] ?? `(${a.labels['region'] ?? 'none'})`)
        .sort();
    assert.deepEqual(await nodesOf(scope(['n_1'], [])), ['n_1'], '_ is no wildcard');
    assert.deepEqual(await nodesOf(scope(['n%'], [])), ['n%'], '% is no wildcard');
    assert.deepEqual(await nodesOf(scope(['a"b'], [])), ['a"b']);
    assert.deepEqual(await nodesOf(scope([], ['eu'])), ['(eu)', 'n_1']);
    assert.deepEqual(await nodesOf(scope(['nX1'], ['ap'])), ['a"b', 'nX1']);
    assert.deepEqual(await nodesOf(scope([], [])), []);
    assert.equal((await store.list({ limit: 100, scope: { kind: 'all' } })).length, labels.length);
    assert.deepEqual(
      (await store.list({ limit: 10, id: stored[2]!.id })).map((a) => a.id),
      [stored[2]!.id],
    );
    assert.deepEqual(await store.list({ limit: 10, id: stored[2]!.id, scope: scope(['n_1'], []) }), []);
  });

  test('anomaly times must be integers in ms (nothing is stored otherwise)', async () => {
    const { anomalies: store } = await open();
    await assert.rejects(store.insert(anomaly({ startedAtMs: T0 + 0.5 })), InvalidInputError);
    await assert.rejects(store.insert(anomaly({ detectedAtMs: Number.NaN })), InvalidInputError);
    await assert.rejects(store.insert(anomaly({ resolvedAtMs: T0 + 0.25 })), InvalidInputError);
    assert.deepEqual(await store.list({ limit: 10 }), []);
    const a = await store.insert(anomaly({ resolvedAtMs: T0 + 10 }));
    await assert.rejects(store.resolve(a.id, T0 + 0.5, 'new level accepted'), InvalidInputError);
    assert.equal((await store.list({ limit: 1 }))[0]!.resolvedAtMs, T0 + 10);
  });

  test(`anomaly votes: at most ${MAX_STORED_VOTES} are kept; returned anomalies are copies`, async () => {
    const { anomalies: store } = await open();
    const votes = Array.from({ length: MAX_STORED_VOTES + 4 }, (_, i) => ({
      detector: `d${i}`,
      score: i / 100,
      voted: i % 2 === 0,
    }));
    const a = await store.insert(anomaly({ votes }));
    assert.deepEqual(a.votes, votes.slice(0, MAX_STORED_VOTES));
    const [listed] = await store.list({ limit: 1 });
    assert.deepEqual(listed!.votes, votes.slice(0, MAX_STORED_VOTES));
    (listed!.labels as Record<string, string>)['node'] = 'changed';
    assert.equal((await store.list({ limit: 1 }))[0]!.labels['node'], 'n1');
  });

  test('anomaly list filters and orders newest first (ties by id); prune removes resolved then oldest', async () => {
    const { anomalies: st } = await open();
    const mk = (i: number, over: Partial<Omit<Anomaly, 'id'>>) =>
      st.insert(anomaly({ startedAtMs: T0 + i * 1000, ...over }));
    const a0 = await mk(0, { severity: 'low', component: 'hde' });
    const a1 = await mk(1, { severity: 'medium', component: 'amst' });
    const a2 = await mk(2, { severity: 'critical', component: 'amst' });
    const a3 = await mk(3, { severity: 'high', component: 'system' });
    const a4 = await mk(2, { severity: 'low', component: 'acp' }); // same start as a2: the higher id first
    const ids = (xs: Anomaly[]) => xs.map((x) => x.id);
    assert.deepEqual(ids(await st.list({ limit: 10 })), [a3.id, a4.id, a2.id, a1.id, a0.id]);
    assert.deepEqual(ids(await st.list({ limit: 2 })), [a3.id, a4.id]);
    assert.deepEqual(ids(await st.list({ limit: 10, startMs: T0 + 1000, endMs: T0 + 2000 })), [
      a4.id,
      a2.id,
      a1.id,
    ]);
    assert.deepEqual(ids(await st.list({ limit: 10, component: 'amst' })), [a2.id, a1.id]);
    assert.deepEqual(ids(await st.list({ limit: 10, severity: 'high' })), [a3.id]);
    assert.deepEqual(ids(await st.list({ limit: 10, minSeverity: 'high' })), [a3.id, a2.id]);
    assert.deepEqual(
      ids(await st.list({ limit: 10, minSeverity: 'medium', component: 'amst', severity: 'critical' })),
      [a2.id],
    );
    await assert.rejects(st.list({ limit: 0 }), InvalidInputError);
    assert.equal(await st.prune(10), 0);
    await st.prune(4); // a0, the oldest
    await st.resolve(a2.id, T0 + 9000, judgedNormal(3));
    assert.equal(await st.prune(2), 2);
    assert.deepEqual(
      ids(await st.list({ limit: 10 })),
      [a3.id, a4.id],
      'resolved a2 went first, then the oldest (a1)',
    );
    await assert.rejects(st.prune(-1), InvalidInputError);
    await assert.rejects(st.prune(1.5), InvalidInputError);
    assert.equal(await st.prune(0), 2);
    assert.deepEqual(await st.list({ limit: 10 }), []);
  });

  test('anomaly listOpen: only open rows, newest first (ties by id), at most limit; a resolved row leaves', async () => {
    const { anomalies: st } = await open();
    const mk = (i: number, over: Partial<Omit<Anomaly, 'id'>> = {}) =>
      st.insert(anomaly({ startedAtMs: T0 + i * 1000, seriesKey: `s${i}`, ...over }));
    const a0 = await mk(0);
    const a1 = await mk(1, { resolvedAtMs: T0 + 5000 });
    const a2 = await mk(2);
    const a3 = await mk(2);
    const a4 = await mk(3);
    const ids = (xs: Anomaly[]) => xs.map((x) => x.id);
    assert.deepEqual(ids(await st.listOpen(10)), [a4.id, a3.id, a2.id, a0.id]);
    assert.deepEqual(ids(await st.listOpen(2)), [a4.id, a3.id], 'the limit holds');
    await st.resolve(a4.id, T0 + 9000, 'monitor restarted without its state');
    assert.deepEqual(ids(await st.listOpen(10)), [a3.id, a2.id, a0.id]);
    assert.ok(!ids(await st.listOpen(10)).includes(a1.id));
    const [first] = await st.listOpen(1);
    assert.equal(first!.seriesKey, 's2');
    assert.equal(first!.resolvedAtMs, null);
    await assert.rejects(st.listOpen(0), InvalidInputError);
  });
}
