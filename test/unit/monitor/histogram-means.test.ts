import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DetectionInput } from '../../../src/monitor/detection-input.ts';
import {
  HistogramMeans,
  MIN_OBSERVATIONS_PER_INTERVAL,
  type HistogramParts,
} from '../../../src/monitor/histogram-means.ts';

const part = (metric: string, sumDelta: number, countDelta: number): HistogramParts => ({
  metric,
  kind: 'latency',
  def: undefined,
  inferred: 'test',
  direction: undefined,
  labels: {},
  sumDelta,
  countDelta,
  ts: 1000,
});

test('carried accumulators are bounded: histograms beyond the limit are not analysed', () => {
  const means = new HistogramMeans(2);
  const histo = new Map([
    ['a', part('a', 1, 1)],
    ['b', part('b', 1, 1)],
    ['c', part('c', 1, 1)],
  ]);
  const before = means.add(histo, []);
  assert.deepEqual([...before.keys()], ['a', 'b']); // c refused: the limit holds
  const inputs: DetectionInput[] = [];
  means.add(new Map([['c', part('c', 10, MIN_OBSERVATIONS_PER_INTERVAL)]]), inputs);
  assert.equal(inputs.length, 0);
  means.add(new Map([['a', part('a', 4, MIN_OBSERVATIONS_PER_INTERVAL)]]), inputs);
  assert.deepEqual(
    inputs.map((i) => [i.key, i.value]),
    [['mean(a)', 5 / (1 + MIN_OBSERVATIONS_PER_INTERVAL)]],
  );
});

test('restore removes the accumulators an addition created, freeing their slots', () => {
  const means = new HistogramMeans(1);
  means.restore(means.add(new Map([['a', part('a', 1, 1)]]), []));
  const before = means.add(new Map([['b', part('b', 1, 1)]]), []);
  assert.deepEqual([...before.keys()], ['b']);
});

test('a mean carried over several scrapes says how many it stands for (spans)', () => {
  const means = new HistogramMeans(4);
  const inputs: DetectionInput[] = [];
  means.add(new Map([['a', part('a', 1, 1)]]), inputs);
  means.add(new Map([['a', part('a', 1, 1)]]), inputs);
  means.add(new Map([['a', part('a', 1, 1)]]), inputs);
  means.add(new Map([['b', part('b', 3, MIN_OBSERVATIONS_PER_INTERVAL)]]), inputs);
  assert.deepEqual(
    inputs.map((i) => [i.key, i.spans]),
    [
      ['mean(a)', 3],
      ['mean(b)', undefined],
    ],
  );
});
