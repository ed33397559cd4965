import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.ts';
import type { Anomaly } from '../../../src/model/anomaly.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../../../src/model/detection-settings.ts';
import { buildPipeline } from '../../../src/monitor/build-pipeline.ts';
import { Prng } from '../../../src/sim/prng.ts';
import { SpanSeriesSink } from '../../../src/traces/span-series.ts';
import type { SpanRecord } from '../../../src/traces/span.ts';

let seq = 0;
/** A span of `service` and operation `name`; with `node`, from a resource naming it as the DWCP SDK does (`service.instance.id`). */
function span(
  service: string,
  name: string,
  durationUs: number,
  status: SpanRecord['status'] = 'ok',
  node?: string,
): SpanRecord {
  seq++;
  const attributes: Record<string, string> =
    node === undefined
      ? { 'service.name': service }
      : { 'service.name': service, 'service.instance.id': node };
  return {
    traceId: seq.toString(16).padStart(32, '0'),
    spanId: seq.toString(16).padStart(16, '0'),
    parentSpanId: null,
    name,
    kind: 'server',
    startUs: 1_700_000_000_000_000,
    durationUs,
    status,
    statusMessage: '',
    attributes: {},
    events: [],
    links: [],
    scope: { name: 's', version: '1' },
    process: { service, attributes, key: JSON.stringify(attributes) },
  };
}

const nowhere = { insertSpans: async (spans: readonly SpanRecord[]) => spans.length };

describe('per-operation span series', () => {
  it('gives the error ratio and the 95th/99th percentiles once an operation has its minimum of calls, then starts over', async () => {
    const sink = new SpanSeriesSink(nowhere, { minCalls: 10 });
    // 1..9 ms: fewer calls than the minimum, so no values yet (they are carried over).
    await sink.insertSpans([1, 2, 3, 4, 5, 6, 7, 8, 9].map((ms) => span('api', 'GET /vm', ms * 1000)));
    assert.deepEqual(sink.samples(1000), []);
    await sink.insertSpans([span('api', 'GET /vm', 10_000, 'error')]);
    const got = sink.samples(2000);
    const value = (name: string, q?: string) =>
      got.find((s) => s.name === name && s.labels.quantile === q)?.value;
    assert.equal(got.length, 3);
    assert.deepEqual(got[0]!.labels, { service_name: 'api', span_name: 'GET /vm' });
    assert.equal(value('dwcp_span_error_ratio'), 0.1);
    // Hyndman-Fan type 7 over 1..10 ms: 9.55 ms and 9.91 ms.
    assert.ok(Math.abs(value('dwcp_span_latency_seconds', '0.95')! - 0.00955) < 1e-12);
    assert.ok(Math.abs(value('dwcp_span_latency_seconds', '0.99')! - 0.00991) < 1e-12);
    assert.ok(got.every((s) => s.timestampMs === 2000));
    assert.deepEqual(sink.samples(3000), [], 'a new window after the values');
  });

  it('holds at most maxOperations operations (further spans counted as overflow) and maxDurations durations each', async () => {
    const sink = new SpanSeriesSink(nowhere, {
      maxOperations: 2,
      minCalls: 1,
      maxDurations: 4,
      random: () => 0.999,
    });
    await sink.insertSpans([
      span('a', 'x', 1000),
      span('a', 'y', 1000),
      span('b', 'x', 1000),
      span('c', 'z', 1000),
    ]);
    assert.equal(sink.operations, 2);
    assert.equal(sink.overflow, 2);
    sink.samples(0);
    // Reservoir of 4: with random() close to 1 no later duration takes a slot, so the percentiles are the first 4's.
    await sink.insertSpans([1, 2, 3, 4, 500, 600, 700].map((ms) => span('a', 'x', ms * 1000)));
    const p99 = sink
      .samples(1)
      .find((s) => s.labels.span_name === 'x' && s.labels.quantile === '0.99')!.value;
    assert.ok(p99 < 0.005, `p99 ${p99} from the 4 kept durations`);
    assert.throws(() => new SpanSeriesSink(nowhere, { minCalls: 0 }), InvalidInputError);
    assert.throws(() => new SpanSeriesSink(nowhere, { maxOperations: 1.5 }), InvalidInputError);
  });

  it('keys series by node, service and operation: the node of the resource or span is the node_id label, and the limit counts those keys', async () => {
    const sink = new SpanSeriesSink(nowhere, { maxOperations: 3, minCalls: 1 });
    const onNode3 = { ...span('dwcp-node', 'amst.transfer', 1000), attributes: { 'dwcp.node.id': 'node-3' } };
    await sink.insertSpans([
      span('dwcp-node', 'amst.transfer', 1000, 'error', 'node-1'),
      span('dwcp-node', 'amst.transfer', 1000, 'ok', 'node-2'),
      onNode3,
    ]);
    const ratios = sink.samples(1).filter((s) => s.name === 'dwcp_span_error_ratio');
    assert.deepEqual(
      ratios.map((s) => [s.labels, s.value]),
      [
        [{ node_id: 'node-1', service_name: 'dwcp-node', span_name: 'amst.transfer' }, 1],
        [{ node_id: 'node-2', service_name: 'dwcp-node', span_name: 'amst.transfer' }, 0],
        [{ node_id: 'node-3', service_name: 'dwcp-node', span_name: 'amst.transfer' }, 0],
      ],
    );
    // The fourth (node, service, operation) key is over the limit, however few operations there are.
    await sink.insertSpans([
      span('dwcp-node', 'amst.transfer', 1000, 'ok', 'node-4'),
      span('dwcp-node', 'amst.transfer', 1000, 'ok', 'node-1'),
    ]);
    assert.equal(sink.operations, 3);
    assert.equal(sink.overflow, 1);
    assert.deepEqual(
      sink.samples(2).map((s) => s.labels.node_id),
      ['node-1', 'node-1', 'node-1'],
    );
  });

  it('stores through the inner sink first: a refused request records nothing', async () => {
    const sink = new SpanSeriesSink(
      { insertSpans: async () => Promise.reject(new Error('disk full')) },
      { minCalls: 1 },
    );
    await assert.rejects(sink.insertSpans([span('a', 'x', 1000)]), /disk full/);
    assert.equal(sink.operations, 0);
  });

  it('through the shipped pipeline: a healthy half hour raises nothing; a slow and a failing operation are found by node, service and operation', async () => {
    const T0 = Date.UTC(2026, 0, 5);
    const STEP = 5000;
    let nowMs = T0;
    const { pipeline } = buildPipeline({
      detection: DEFAULT_DETECTION_SETTINGS,
      store: null,
      sink: { handle: async () => undefined },
      clock: () => nowMs,
    });
    const sink = new SpanSeriesSink(nowhere);
    const rng = new Prng(3);
    const opened: Anomaly[] = [];
    const SLOW = [30, 33] as const; // minutes: placement 4× slower
    const FAILING = [36, 39] as const; // minutes: transfer fails 40 % of its calls
    const NODES = ['node-1', 'node-2', 'node-3'] as const;
    const inside = (t: number, [a, b]: readonly [number, number]) =>
      t >= T0 + a * 60_000 && t < T0 + b * 60_000;
    for (let t = T0; t < T0 + 40 * 60_000; t += STEP) {
      const spans: SpanRecord[] = [];
      // Three nodes of one service (as the simulator runs them): placement slows on node-1, transfers fail on node-2.
      for (const node of NODES) {
        for (let i = 0; i < 34; i++) {
          const placement =
            20_000 * Math.exp(0.2 * rng.gaussian()) * (node === 'node-1' && inside(t, SLOW) ? 4 : 1);
          spans.push(span('dwcp-node', 'itp.placement', placement, rng.next() < 0.02 ? 'error' : 'ok', node));
          const failRate = node === 'node-2' && inside(t, FAILING) ? 0.4 : 0.02;
          spans.push(
            span(
              'dwcp-node',
              'amst.transfer',
              800_000 * Math.exp(0.2 * rng.gaussian()),
              rng.next() < failRate ? 'error' : 'ok',
              node,
            ),
          );
        }
      }
      await sink.insertSpans(spans);
      nowMs = t + 50;
      const r = await pipeline.ingestPushed('traces', sink.samples(t));
      for (const o of r.outcome?.opened ?? []) opened.push(o.anomaly as Anomaly);
    }
    const brief = (a: Anomaly) => `${a.seriesKey} at ${((a.startedAtMs - T0) / 60_000).toFixed(1)} min`;
    assert.deepEqual(
      opened.filter((a) => a.startedAtMs < T0 + SLOW[0] * 60_000).map(brief),
      [],
      'nothing while healthy (warm-up included)',
    );
    const slow = opened.find((a) => a.metric === 'dwcp_span_latency_seconds' && inside(a.startedAtMs, SLOW));
    assert.ok(slow, `slow operation not found: ${opened.map(brief).join('; ')}`);
    assert.equal(slow.labels.node_id, 'node-1');
    assert.equal(slow.labels.service_name, 'dwcp-node');
    assert.equal(slow.labels.span_name, 'itp.placement');
    assert.equal(slow.kind, 'latency');
    assert.ok(slow.lower >= 0, `band clamped to durations >= 0: ${slow.lower}`);
    const failing = opened.find(
      (a) => a.metric === 'dwcp_span_error_ratio' && inside(a.startedAtMs, FAILING),
    );
    assert.ok(failing, `failing operation not found: ${opened.map(brief).join('; ')}`);
    assert.equal(failing.labels.node_id, 'node-2');
    assert.equal(failing.labels.span_name, 'amst.transfer');
    assert.equal(failing.kind, 'error_rate');
    assert.ok(failing.upper <= 1, `band clamped to ratios <= 1: ${failing.upper}`);
    // Good-direction changes raise nothing: the recovery after each fault is not an anomaly; nor do the healthy nodes.
    assert.deepEqual(
      opened.filter((a) => !inside(a.startedAtMs, SLOW) && !inside(a.startedAtMs, FAILING)).map(brief),
      [],
    );
    assert.deepEqual(
      opened
        .filter((a) => (a.labels.node_id === 'node-1') !== inside(a.startedAtMs, SLOW))
        .filter((a) => a.metric === 'dwcp_span_latency_seconds')
        .map(brief),
      [],
    );
    assert.deepEqual(
      opened.filter((a) => a.metric === 'dwcp_span_error_ratio' && a.labels.node_id !== 'node-2').map(brief),
      [],
      'errors only on the failing node',
    );
  });
});
