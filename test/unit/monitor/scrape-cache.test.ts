import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  handleMatches,
  labelCount,
  ScrapeCache,
  type CachedSeries,
} from '../../../src/monitor/scrape-cache.ts';
import { SeriesTracker, type AdmitResult } from '../../../src/monitor/series-tracker.ts';
import type { Labels, Sample } from '../../../src/model/sample.ts';
import { MemorySampleStore } from '../../../src/store/memory/sample-store.ts';

const handle = (name: string, labels: Labels): CachedSeries => ({
  name,
  labels: { ...labels },
  labelCount: labelCount(labels),
  alive: true,
});
const sample = (name: string, labels: Labels): Sample => ({ name, labels, value: 1, timestampMs: 0 });

test('a handle matches only the same name and the same label set, in any insertion order, while alive', () => {
  const h = handle('m', { a: '1', b: '2' });
  assert.equal(handleMatches(h, sample('m', { b: '2', a: '1' })), true);
  assert.equal(handleMatches(h, sample('n', { a: '1', b: '2' })), false);
  assert.equal(handleMatches(h, sample('m', { a: '1', b: '3' })), false);
  assert.equal(handleMatches(h, sample('m', { a: '1' })), false);
  // a frozen label set found equal is then recognised by identity; an equal open one is compared each time
  const frozen = Object.freeze({ a: '1', b: '2' });
  assert.equal(handleMatches(h, sample('m', frozen)), true);
  assert.equal(h.seen, frozen);
  assert.equal(handleMatches(h, sample('n', frozen)), false);
  const other = Object.freeze({ a: '1', b: '9' });
  assert.equal(handleMatches(h, sample('m', other)), false);
  assert.equal(
    handleMatches(h, sample('m', other)),
    false,
    'a frozen set that did not match is not taken for the series later',
  );
  const open = { a: '1', b: '2' };
  assert.equal(handleMatches(h, sample('m', open)), true);
  assert.equal(h.seen, frozen);
  assert.equal(handleMatches(h, sample('m', { a: '1', b: '2', c: '' })), false);
  h.alive = false;
  assert.equal(handleMatches(h, sample('m', { a: '1', b: '2' })), false);
  assert.equal(handleMatches(h, sample('m', frozen)), false);
});

test('the cache holds at most maxSlots handles over all sources, dropping the least recently used source first', () => {
  const c = new ScrapeCache<CachedSeries>(10);
  const a = c.begin('a', 4)!;
  a.fill(handle('x', {}));
  c.begin('b', 4);
  assert.equal(c.size, 8);
  c.begin('a', 4); // a used again: b is now the least recently used
  c.begin('c', 4);
  assert.equal(c.size, 8);
  assert.equal(c.sourceCount, 2);
  assert.equal(c.begin('a', 4)![0]?.name, 'x', 'a was kept');
  assert.equal(c.begin('b', 2)![0], undefined, 'b was dropped');
  assert.ok(c.size <= 10);
  assert.equal(c.begin('big', 11), undefined, 'a batch longer than the bound is not cached');
  assert.ok(c.size <= 10);
  c.forget('a');
  c.forget('b');
  c.forget('c');
  assert.equal(c.size, 0);
  assert.throws(() => new ScrapeCache(-1), RangeError);
});

test('sweep drops dead handles and the arrays of sources that admitted nothing since the previous sweep', () => {
  const c = new ScrapeCache<CachedSeries>(100);
  const dead = handle('d', {});
  const live = handle('l', {});
  c.sweep();
  const a = c.begin('a', 2)!;
  a[0] = dead;
  a[1] = live;
  c.begin('gone', 3);
  dead.alive = false;
  c.sweep();
  assert.equal(c.sourceCount, 2, 'both admitted since the first sweep');
  assert.equal(c.begin('a', 2)![0], undefined);
  c.sweep();
  assert.equal(c.sourceCount, 1, 'gone admitted nothing since the previous sweep');
  assert.equal(c.size, 2);
});

test('the tracker keeps its cache within scrapeCacheSlots over many targets', () => {
  const tr = new SeriesTracker(1000, { scrapeCacheSlots: 50 });
  for (let t = 0; t < 20; t++) {
    const batch = Array.from({ length: 20 }, (_, i) => ({
      name: 'g',
      labels: { target: String(t), i: String(i) },
      value: i,
      timestampMs: 1000,
    }));
    tr.admit(batch, { source: `t${t}` });
    assert.ok(tr.cachedHandles <= 50, `${tr.cachedHandles} handles cached`);
  }
  tr.admit(
    Array.from({ length: 60 }, (_, i) => ({
      name: 'g',
      labels: { big: String(i) },
      value: i,
      timestampMs: 1000,
    })),
    { source: 'big' },
  );
  assert.ok(tr.cachedHandles <= 50);
  assert.ok(new SeriesTracker(10).cachedHandles === 0);
});

// ---- equivalence: the cached tracker admits, derives and stores exactly what the uncached one does ----

/** Series of the universe: catalog gauges, counters and histogram parts, and series outside the catalog. */
const UNIVERSE: readonly { name: string; labels: Labels }[] = [
  ...['n1', 'n2'].flatMap((n): { name: string; labels: Labels }[] => [
    { name: 'dwcp_v3_compression_ratio', labels: { node_id: n, algorithm: 'zstd' } },
    { name: 'dwcp_v3_component_errors_total', labels: { node_id: n, component: 'amst', error_type: 'x' } },
    {
      name: 'dwcp_v3_mode_latency_seconds_sum',
      labels: { node_id: n, mode: 'datacenter', operation: 'send' },
    },
    {
      name: 'dwcp_v3_mode_latency_seconds_count',
      labels: { node_id: n, mode: 'datacenter', operation: 'send' },
    },
    {
      name: 'dwcp_v3_mode_latency_seconds_bucket',
      labels: { node_id: n, mode: 'datacenter', operation: 'send', le: '0.1' },
    },
    { name: 'app_requests_total', labels: { node_id: n } },
    { name: 'app_queue_depth', labels: { node_id: n } },
    { name: 'app_latency_seconds_sum', labels: { node_id: n } },
    { name: 'app_latency_seconds_count', labels: { node_id: n } },
  ]),
  { name: 'app_queue_depth', labels: {} },
  { name: 'app_queue_depth', labels: { node_id: 'n1', extra: '' } },
];

/** One step of a random scrape sequence. */
type Step =
  | { op: 'scrape'; target: number; series: number[]; reorderLabels: boolean[]; dt: number; values: number[] }
  | { op: 'forget'; ageMs: number }
  | { op: 'revert'; back: number }
  | { op: 'forgetSource'; target: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      op: fc.constant('scrape' as const),
      target: fc.integer({ min: 0, max: 2 }),
      series: fc.array(fc.integer({ min: 0, max: UNIVERSE.length - 1 }), { maxLength: 14 }),
      reorderLabels: fc.array(fc.boolean(), { minLength: 14, maxLength: 14 }),
      dt: fc.constantFrom(1000, 1000, 1000, 0, -1000, 2500, 400_000),
      values: fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(Number.NaN)), {
        minLength: 14,
        maxLength: 14,
      }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('forget' as const), ageMs: fc.constantFrom(0, 1500, 300_000) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('revert' as const), back: fc.integer({ min: 0, max: 2 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('forgetSource' as const),
      target: fc.integer({ min: 0, max: 2 }),
    }),
  },
);

/** Labels with the same names and values in reversed insertion order. */
/** Frozen label sets shared between scrapes, by universe index, target and label order. */
const FROZEN = new Map<string, Labels>();

function reversed(labels: Labels): Labels {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).reverse()) out[k] = labels[k]!;
  return out;
}

/** Everything a store holds, as comparable data. */
async function dump(store: MemorySampleStore): Promise<unknown> {
  const names = [...new Set(UNIVERSE.map((u) => u.name))].sort();
  const out: unknown[] = [];
  for (const n of names) {
    const refs = await store.findSeries(n, {}, 1000);
    const pts = await store.readPoints(refs, -1e15, 1e15, 100_000);
    out.push(
      pts
        .map((p) => ({ key: p.series.key, ts: p.timestampsMs, values: p.values }))
        .sort((a, b) => a.key.localeCompare(b.key)),
    );
  }
  return out;
}

const view = (r: AdmitResult) => ({
  admitted: r.admitted,
  keys: r.keys,
  rejected: r.rejected,
  inputs: r.inputs,
});

test('property: with the scrape cache, admitted samples, keys, rejects, rates and stored data equal the uncached path', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(stepArb, { maxLength: 40 }),
      fc.integer({ min: 3, max: 30 }),
      fc.integer({ min: 0, max: 40 }),
      fc.boolean(),
      async (steps, maxSeries, slots, inference) => {
        const opts = { maxSampleAgeMs: 300_000, maxSampleAheadMs: 60_000, inference: { enabled: inference } };
        const cached = new SeriesTracker(maxSeries, { ...opts, scrapeCacheSlots: slots });
        const plain = new SeriesTracker(maxSeries, { ...opts, scrapeCacheSlots: 0 });
        const storeC = new MemorySampleStore();
        const storeP = new MemorySampleStore();
        const recent: [AdmitResult, AdmitResult][] = [];
        const clock = [100_000, 100_000, 100_000];
        let now = 100_000;
        for (const st of steps) {
          if (st.op === 'scrape') {
            clock[st.target] = clock[st.target]! + st.dt;
            now = Math.max(now, clock[st.target]!);
            const batch: Sample[] = st.series.map((u, i) => {
              const s = UNIVERSE[u]!;
              const fresh = {
                ...(st.reorderLabels[i] ? reversed(s.labels) : s.labels),
                target: `t${st.target}`,
              };
              // targets 0 and 1 send shared frozen label sets, as the scraper hands out for unchanged series
              const shared = `${u}/${st.target}/${st.reorderLabels[i]}`;
              if (st.target !== 2 && !FROZEN.has(shared)) FROZEN.set(shared, Object.freeze(fresh));
              const labels = st.target !== 2 ? FROZEN.get(shared)! : fresh;
              return { name: s.name, labels, value: st.values[i]!, timestampMs: clock[st.target]! };
            });
            const ctx = { source: `t${st.target}`, nowMs: now };
            const a = cached.admit(batch, ctx);
            const b = plain.admit(batch, ctx);
            assert.deepEqual(view(a), view(b));
            assert.deepEqual(
              await storeC.append(a.admitted, a.keys),
              await storeP.append(b.admitted, b.keys),
            );
            recent.unshift([a, b]);
            recent.length = Math.min(recent.length, 4);
          } else if (st.op === 'forget') {
            assert.equal(cached.forgetOlderThan(now - st.ageMs), plain.forgetOlderThan(now - st.ageMs));
          } else if (st.op === 'revert') {
            const r = recent[st.back];
            r?.[0].revert();
            r?.[1].revert();
          } else {
            cached.forgetSource(`t${st.target}`);
          }
          assert.equal(cached.size, plain.size);
          assert.ok(cached.cachedHandles <= slots);
        }
        assert.deepEqual(await dump(storeC), await dump(storeP));
      },
    ),
    { numRuns: 600, includeErrorInReport: true },
  );
});
