/**
 * Tail sampling: fault traces (errors, slow roots, attribute matches) are always kept while healthy traffic is
 * sampled at a low rate; the adaptive probability holds the kept healthy spans/s near the target when the load
 * changes; the buffer never exceeds its bounds and what it drops is counted; late spans follow their trace.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../../src/errors.ts';
import type { SpanRecord } from '../../../../src/traces/span.ts';
import {
  DEFAULT_TAIL_SAMPLER_OPTIONS,
  TailSampler,
  type TailSamplerOptions,
  type TraceDecision,
} from '../../../../src/traces/sampling/tail-sampler.ts';

const PROCESS = {
  service: 'dwcp-node',
  attributes: { 'service.name': 'dwcp-node' },
  key: '{"service.name":"dwcp-node"}',
};
const T0 = Date.UTC(2026, 0, 1) * 1000;

/** A random-looking 32-hex trace id from a counter (the low bits vary like a random id's). */
function traceId(n: number): string {
  const h = (Math.imul(n + 1, 2654435761) >>> 0).toString(16).padStart(8, '0');
  return (n + 1).toString(16).padStart(24, '0') + h;
}

interface TraceShape {
  readonly spans?: number;
  readonly durationUs?: number;
  readonly error?: boolean;
  readonly attributes?: Record<string, string>;
}

/** One trace: a root `dwcp.migration` and `spans - 1` children. */
function trace(n: number, shape: TraceShape = {}): SpanRecord[] {
  const id = traceId(n);
  const count = shape.spans ?? 8;
  const out: SpanRecord[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      traceId: id,
      spanId: (i + 1).toString(16).padStart(16, '0'),
      parentSpanId: i === 0 ? null : '0000000000000001',
      name: i === 0 ? 'dwcp.migration' : 'dwcp.phase',
      kind: 'internal',
      startUs: T0,
      durationUs: i === 0 ? (shape.durationUs ?? 1_000_000) : 1000,
      status: shape.error === true && i === Math.min(1, count - 1) ? 'error' : 'unset',
      statusMessage: '',
      attributes: i === 0 ? (shape.attributes ?? {}) : {},
      events: [],
      links: [],
      scope: { name: 't', version: '1' },
      process: PROCESS,
    });
  }
  return out;
}

const opts = (o: Partial<TailSamplerOptions>): TailSamplerOptions => ({
  ...DEFAULT_TAIL_SAMPLER_OPTIONS,
  decisionWaitMs: 1000,
  ...o,
});

describe('TailSampler', () => {
  it('keeps every error, slow and attribute-matching trace at a low probability, and few healthy ones', () => {
    const s = new TailSampler(
      opts({
        probability: 0.01,
        adaptive: false,
        latencyThresholdUs: 5_000_000,
        attributes: [{ key: 'dwcp.vm.size', values: ['large'] }],
      }),
    );
    const decisions: TraceDecision[] = [];
    let n = 0;
    for (let sec = 0; sec < 100; sec++) {
      const now = sec * 1000;
      for (let k = 0; k < 20; k++) s.add(trace(n++), now);
      s.add(trace(n++, { error: true }), now);
      s.add(trace(n++, { durationUs: 9_000_000 }), now);
      s.add(trace(n++, { attributes: { 'dwcp.vm.size': 'large' } }), now);
      decisions.push(...s.decideDue(now));
    }
    decisions.push(...s.decideAll(100_000));
    const by = (p: string) => decisions.filter((d) => d.policy === p);
    assert.equal(decisions.length, n);
    assert.equal(by('error').length, 100);
    assert.ok(
      by('error').every((d) => d.keep && d.spans.length === 8),
      'error traces are kept whole',
    );
    assert.equal(by('latency').length, 100);
    assert.equal(by('attribute').length, 100);
    const healthyKept = by('probabilistic').length;
    assert.ok(healthyKept < 60, `about 1 % of 2000 healthy traces kept, got ${healthyKept}`);
    assert.equal(by('not_sampled').length + by('rate_limited').length + healthyKept, 2000);
    assert.ok(by('not_sampled').every((d) => !d.keep));
  });

  it('learns each root operation’s p99 and keeps traces above it', () => {
    const s = new TailSampler(
      opts({
        probability: 0.001,
        adaptive: false,
        latencyQuantile: 0.99,
        latencyMinSamples: 50,
        latencyWindow: 500,
      }),
    );
    let n = 0;
    let x = 12345;
    const uniform = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 400; i++)
      s.add(trace(n++, { durationUs: Math.round(1_000_000 + uniform() * 100_000) }), 0);
    const warm = s.decideAll(10_000).filter((d) => d.policy === 'latency').length;
    assert.ok(warm <= 20, `few of the warm-up traces are above the running p99, got ${warm}`);
    s.add(trace(n++, { durationUs: 3_000_000 }), 20_000);
    s.add(trace(n++, { durationUs: 1_050_000 }), 20_000);
    const [slow, usual] = s.decideAll(30_000);
    assert.equal(slow!.policy, 'latency');
    assert.equal(slow!.keep, true);
    assert.notEqual(usual!.policy, 'latency');
  });

  it('adaptive: holds the kept healthy spans/s near the target as the load changes', () => {
    const target = 200;
    const s = new TailSampler(
      opts({
        probability: 1,
        adaptive: true,
        spansPerSecond: target,
        adaptIntervalMs: 5000,
        decisionWaitMs: 0,
        latencyQuantile: 0,
      }),
    );
    let n = 0;
    const keptPerSecond: number[] = [];
    for (let sec = 0; sec < 600; sec++) {
      const tracesPerSecond = sec < 300 ? 250 : 600; // 2000 then 4800 spans/s of healthy traffic
      const now = sec * 1000;
      let kept = 0;
      for (let k = 0; k < tracesPerSecond; k++) {
        s.add(trace(n++), now + k);
        for (const d of s.decideDue(now + k)) if (d.keep) kept += d.spans.length;
      }
      keptPerSecond.push(kept);
    }
    const mean = (from: number, to: number) =>
      keptPerSecond.slice(from, to).reduce((a, b) => a + b, 0) / (to - from);
    const first = mean(60, 300);
    const second = mean(360, 600);
    assert.ok(
      Math.abs(first - target) / target < 0.1,
      `kept ${first.toFixed(1)} spans/s at 2000 offered, target ${target}`,
    );
    assert.ok(
      Math.abs(second - target) / target < 0.1,
      `kept ${second.toFixed(1)} spans/s at 4800 offered, target ${target}`,
    );
    assert.ok(
      s.stats().probability < 0.06 && s.stats().probability > 0.03,
      `probability ${s.stats().probability}`,
    );
  });

  it('the buffer never exceeds its bounds; the oldest traces are decided early and oversize traces dropped', () => {
    const s = new TailSampler(
      opts({
        maxTraces: 100,
        maxSpans: 500,
        maxSpansPerTrace: 20,
        decisionWaitMs: 60_000,
        probability: 1,
        adaptive: false,
        spansPerSecond: 1e9,
      }),
    );
    let forced = 0;
    let tooLarge = 0;
    let n = 0;
    for (let i = 0; i < 5000; i++) {
      const r = s.add(trace(n++, { spans: 1 + (i % 12), error: i % 50 === 0 }), i);
      forced += r.forced.length;
      assert.ok(r.forced.every((d) => d.forced && (d.policy !== 'error' || d.keep)));
      const st = s.stats();
      assert.ok(st.traces <= 100 && st.spans <= 500, `buffer at ${st.traces} traces, ${st.spans} spans`);
    }
    const big = s.add(trace(n++, { spans: 50 }), 6000);
    tooLarge += big.dropped.get('trace_too_large') ?? 0;
    assert.ok(forced > 4000, `forced decisions ${forced}`);
    assert.equal(tooLarge, 30, 'spans beyond 20 per trace are dropped and counted');
    assert.ok(s.stats().spans <= 500);
    const bytes = new TailSampler(opts({ maxBytes: 20_000, decisionWaitMs: 60_000 }));
    for (let i = 0; i < 200; i++) {
      bytes.add(trace(i), i);
      assert.ok(bytes.stats().bytes <= 20_000);
    }
  });

  it('late spans follow their trace’s decision: stored when it was kept, counted when it was dropped', () => {
    const s = new TailSampler(opts({ probability: 1e-9, adaptive: false, latencyQuantile: 0 }));
    const healthy = trace(1);
    const failed = trace(2, { error: true });
    s.add(healthy.slice(0, 4), 0);
    s.add(failed.slice(0, 4), 0);
    const d = s.decideDue(1000);
    assert.deepEqual(
      d.map((x) => x.keep),
      [false, true],
    );
    const r = s.add([...healthy.slice(4), ...failed.slice(4)], 2000);
    assert.equal(r.late.length, 4);
    assert.ok(r.late.every((x) => x.traceId === failed[0]!.traceId));
    assert.equal(r.dropped.get('late'), 4);
    assert.equal(s.stats().spans, 0);
  });

  it('refuses invalid options', () => {
    assert.throws(() => new TailSampler(opts({ maxTraces: 0 })), InvalidInputError);
    assert.throws(() => new TailSampler(opts({ probability: 0 })), InvalidInputError);
    assert.throws(() => new TailSampler(opts({ latencyQuantile: 1 })), InvalidInputError);
    assert.throws(() => new TailSampler(opts({ attributes: [{ key: 'k', values: [] }] })), InvalidInputError);
  });
});
