import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError, LimitExceededError } from '../../../../src/errors.ts';
import {
  bandwidthUtilization,
  interarrivalJitter,
  jitterStep,
  NetworkTelemetry,
  packetLossRatio,
  rttStats,
  tunnelHealth,
} from '../../../../src/analysis/health/network.ts';
import { quantileSorted } from '../../../../src/math/quantile.ts';

const T0 = 1_700_000_000_000;
const near = (a: number | null | undefined, b: number, eps = 1e-9): void =>
  assert.ok(typeof a === 'number' && Math.abs(a - b) <= eps, `expected ${b}, got ${a}`);

describe('RFC 3550 interarrival jitter', () => {
  it('follows J += (|D| - J)/16 on transits 10, 12, 11, 15 ms', () => {
    // D = 2 -> 0 + 2/16 = 0.125; D = -1 -> 0.125 + (1 - 0.125)/16 = 0.1796875;
    // D = 4 -> 0.1796875 + (4 - 0.1796875)/16 = 0.41845703125 (all exact in binary).
    assert.deepEqual(interarrivalJitter([10, 12, 11, 15]), [0, 0.125, 0.1796875, 0.41845703125]);
    assert.equal(jitterStep(0.125, -1), 0.1796875);
  });

  it('is not the variance the original reported', () => {
    const xs = [10, 12, 11, 15];
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length; // 3.5 ms^2
    assert.equal(variance, 3.5);
    assert.notEqual(interarrivalJitter(xs).at(-1), variance);
  });

  it('ignores a constant clock offset and converges to |D| for a constant delay step pattern', () => {
    const tel = new NetworkTelemetry();
    const transits = [10, 12, 11, 15];
    transits.forEach((tr, i) => tel.recordPacket('us-east', 'eu-west', T0 + i * 20, T0 + i * 20 + tr + 5000)); // receiver clock 5 s ahead
    assert.equal(tel.pair('us-east', 'eu-west', T0 + 100)!.jitterMs, 0.41845703125);
    const alt = interarrivalJitter(Array.from({ length: 400 }, (_, i) => (i % 2 ? 14 : 10)));
    near(alt.at(-1), 4, 1e-9);
    assert.throws(() => interarrivalJitter([1, Number.NaN]), InvalidInputError);
  });

  it('reports null jitter before two packets', () => {
    const tel = new NetworkTelemetry();
    tel.recordPacket('a', 'b', T0, T0 + 10);
    assert.equal(tel.pair('a', 'b', T0 + 20)!.jitterMs, null);
  });
});

describe('packet loss, bandwidth and RTT statistics', () => {
  it('handles loss edge cases', () => {
    assert.equal(packetLossRatio(0, 0), null);
    assert.equal(packetLossRatio(100, 90), 0.1);
    assert.equal(packetLossRatio(100, 0), 1);
    assert.equal(packetLossRatio(100, 101), 0); // duplicates: clamped at 0 (RFC 3550 6.4.1)
    assert.throws(() => packetLossRatio(-1, 0), InvalidInputError);
    assert.throws(() => packetLossRatio(10, Number.NaN), InvalidInputError);
  });

  it('computes per-direction utilisation of a full-duplex link', () => {
    assert.deepEqual(bandwidthUtilization(1e9, 5e8, 1.25e9), { tx: 0.8, rx: 0.4, max: 0.8 });
    assert.throws(() => bandwidthUtilization(1, 1, 0), InvalidInputError);
    assert.throws(() => bandwidthUtilization(-1, 1, 1), InvalidInputError);
  });

  it('uses linear-interpolation quantiles (type 7)', () => {
    near(quantileSorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95), 9.55);
    assert.equal(quantileSorted([7], 0.95), 7);
    assert.equal(quantileSorted([1, 3], 0.5), 2);
    assert.ok(Number.isNaN(quantileSorted([], 0.5)));
    assert.throws(() => quantileSorted([1], 1.1), InvalidInputError);
    const s = rttStats([30, 10, 20, 40])!;
    assert.deepEqual(
      { ...s, p95Ms: Math.round(s.p95Ms * 1e9) / 1e9 },
      { count: 4, minMs: 10, avgMs: 25, p95Ms: 38.5, maxMs: 40 },
    );
    assert.equal(rttStats([]), null);
    assert.throws(() => rttStats([1, -1]), InvalidInputError);
  });
});

describe('tunnel health', () => {
  const now = T0 + 1000;
  it('is up, degraded or down by the documented thresholds', () => {
    assert.deepEqual(tunnelHealth({ lossRatio: 0, rttP95Ms: 80, lastSeenMs: now }, {}, now), {
      state: 'up',
      reasons: [],
    });
    assert.equal(tunnelHealth({ lossRatio: 0.02, rttP95Ms: 80, lastSeenMs: now }, {}, now).state, 'degraded');
    assert.equal(tunnelHealth({ lossRatio: 0, rttP95Ms: 600, lastSeenMs: now }, {}, now).state, 'degraded');
    assert.equal(tunnelHealth({ lossRatio: 0.6, rttP95Ms: 80, lastSeenMs: now }, {}, now).state, 'down');
    assert.equal(
      tunnelHealth({ lossRatio: 0, rttP95Ms: 80, lastSeenMs: now - 30_000 }, {}, now).state,
      'down',
    );
    assert.equal(tunnelHealth({ lossRatio: null, rttP95Ms: null, lastSeenMs: null }, {}, now).state, 'down');
    assert.equal(tunnelHealth({ lossRatio: null, rttP95Ms: null, lastSeenMs: now }, {}, now).state, 'up');
    assert.equal(
      tunnelHealth({ lossRatio: 0, rttP95Ms: 600, lastSeenMs: now }, { degradedRttMs: 1000 }, now).state,
      'up',
    );
    assert.throws(
      () =>
        tunnelHealth(
          { lossRatio: 0, rttP95Ms: 0, lastSeenMs: now },
          { degradedLoss: 0.6, downLoss: 0.5 },
          now,
        ),
      InvalidInputError,
    );
  });
});

describe('NetworkTelemetry bounds', () => {
  it('keeps only historySize RTT samples and loss intervals per pair', () => {
    const tel = new NetworkTelemetry({ historySize: 3 });
    [500, 500, 10, 20, 30].forEach((r, i) => tel.recordRtt('a', 'b', T0 + i, r));
    [
      [100, 0],
      [100, 100],
      [100, 90],
      [100, 100],
    ].forEach(([s, r], i) => tel.recordPackets('a', 'b', T0 + i, s!, r!));
    tel.recordBandwidth('a', 'b', T0 + 5, 1e9, 0, 2e9);
    const p = tel.pair('a', 'b', T0 + 10)!;
    assert.equal(p.rtt!.count, 3);
    assert.equal(p.rtt!.maxMs, 30);
    near(p.lossRatio, 10 / 300); // the 100 % lost interval was evicted
    assert.equal(p.bandwidth!.tx, 0.5);
    assert.equal(p.tunnel.state, 'degraded'); // 3.3 % loss
    assert.equal(tel.pair('b', 'a', T0), undefined); // directed pairs
  });

  it('refuses more than maxPairs pairs but keeps updating existing ones', () => {
    const tel = new NetworkTelemetry({ maxPairs: 2 });
    tel.recordRtt('a', 'b', T0, 1);
    tel.recordRtt('b', 'a', T0, 1);
    assert.throws(() => tel.recordRtt('a', 'c', T0, 1), LimitExceededError);
    tel.recordRtt('a', 'b', T0 + 1, 2);
    assert.equal(tel.size, 2);
    assert.deepEqual(
      tel.pairs(T0 + 2).map((p) => `${p.src}>${p.dst}:${p.rtt!.count}`),
      ['a>b:2', 'b>a:1'],
    );
    assert.throws(() => new NetworkTelemetry({ historySize: 0 }), InvalidInputError);
    assert.throws(() => tel.recordRtt('a', 'b', T0, Number.NaN), InvalidInputError);
  });
});
