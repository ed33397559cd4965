import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_FAULT } from '../../../src/sim/faults.ts';
import {
  clamp,
  interRegionBaseRttMs,
  LINK_CLASSES,
  linkClassForRegion,
  linkConditions,
  linkProfile,
  type LinkClass,
  type LinkProfile,
} from '../../../src/sim/link-model.ts';
import { selectMode } from '../../../src/sim/mode.ts';
import { Prng } from '../../../src/sim/prng.ts';

const CLASSES: readonly LinkClass[] = ['datacenter', 'internet', 'hybrid'];

describe('link classes', () => {
  it('every range is well formed and positive', () => {
    for (const c of CLASSES) {
      const p = LINK_CLASSES[c];
      for (const [lo, hi] of [
        p.latencyMs,
        p.bandwidthBps,
        p.loss,
        ...(p.rdmaBytesPerSecond ? [p.rdmaBytesPerSecond] : []),
      ])
        assert.ok(lo > 0 && lo < hi, `${c} [${lo}, ${hi})`);
      assert.ok(
        p.loss[1] < 0.5 &&
          p.adaptiveDecisionAccuracy > 0 &&
          p.adaptiveDecisionAccuracy <= 1 &&
          p.probeQueueMs > 0,
        c,
      );
    }
  });

  it('the corners of the datacenter and internet ranges select their own mode; the hybrid centre selects hybrid', () => {
    for (const c of ['datacenter', 'internet'] as const) {
      const p = LINK_CLASSES[c];
      for (const lat of p.latencyMs)
        for (const bw of p.bandwidthBps)
          assert.equal(selectMode(lat, bw), c, `${c} at ${lat} ms, ${bw} bit/s`);
    }
    const h = LINK_CLASSES.hybrid;
    for (const lat of h.latencyMs)
      for (const bw of h.bandwidthBps) assert.equal(selectMode(lat, bw), 'hybrid');
  });

  it('linkClassForRegion cycles datacenter, internet, hybrid', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5].map(linkClassForRegion), [
      'datacenter',
      'internet',
      'hybrid',
      'datacenter',
      'internet',
      'hybrid',
    ]);
  });

  it('linkProfile draws inside the class ranges, four draws (three without RDMA)', () => {
    for (const c of CLASSES) {
      const r = new Prng(42);
      const p = linkProfile(c, r);
      const k = LINK_CLASSES[c];
      assert.equal(p.linkClass, c);
      assert.ok(p.latencyMs >= k.latencyMs[0] && p.latencyMs < k.latencyMs[1]);
      assert.ok(p.bandwidthBps >= k.bandwidthBps[0] && p.bandwidthBps < k.bandwidthBps[1]);
      assert.ok(p.loss >= k.loss[0] && p.loss < k.loss[1]);
      if (k.rdmaBytesPerSecond === null) assert.equal(p.rdmaBytesPerSecond, 0);
      else
        assert.ok(
          p.rdmaBytesPerSecond >= k.rdmaBytesPerSecond[0] && p.rdmaBytesPerSecond < k.rdmaBytesPerSecond[1],
        );
      const twin = new Prng(42);
      for (let i = 0; i < (k.rdmaBytesPerSecond === null ? 3 : 4); i++) twin.next();
      assert.equal(r.next(), twin.next(), `${c}: the generator advanced by the expected number of draws`);
    }
  });
});

describe('linkConditions', () => {
  const profile = (linkClass: LinkClass): LinkProfile => ({
    linkClass,
    latencyMs: 25,
    bandwidthBps: 3e9,
    loss: 0.001,
    rdmaBytesPerSecond: 1.5e9,
  });

  it('hybrid latency swings by +-10 ms over the period; other classes do not swing', () => {
    const at = (linkClass: LinkClass, t: number) =>
      linkConditions(profile(linkClass), t, 0, NO_FAULT, new Prng(1), 240);
    assert.ok(Math.abs(at('hybrid', 60).baseLatencyMs - 35) < 1e-9, 'quarter period: +10 ms');
    assert.ok(Math.abs(at('hybrid', 180).baseLatencyMs - 15) < 1e-9, 'three quarters: -10 ms');
    assert.equal(at('datacenter', 60).baseLatencyMs, 25);
  });

  it('every class, at the corners of its ranges and the extremes of its swing and seasonality, stays in its own mode', () => {
    const mid = (r: readonly [number, number]): number => (r[0] + r[1]) / 2;
    for (const c of CLASSES) {
      const k = LINK_CLASSES[c];
      for (const latencyMs of k.latencyMs)
        for (const loss of k.loss)
          for (const season of [-1, 1])
            for (const t of [60, 180]) {
              const p: LinkProfile = {
                linkClass: c,
                latencyMs,
                bandwidthBps: k.bandwidthBps[0],
                loss,
                rdmaBytesPerSecond: k.rdmaBytesPerSecond ? mid(k.rdmaBytesPerSecond) : 0,
              };
              // The mode detector averages 10 samples: the mean of 10 noisy draws at this point.
              const r = new Prng(5);
              let lat = 0;
              let bw = 0;
              for (let i = 0; i < 10; i++) {
                const l = linkConditions(p, t, season, NO_FAULT, r, 240);
                lat += l.latencyMs / 10;
                bw += l.bandwidthBps / 10;
              }
              assert.equal(
                selectMode(lat, bw),
                c,
                `${c} at ${latencyMs} ms, loss ${loss}, season ${season}, t ${t}: ${lat.toFixed(1)} ms`,
              );
            }
    }
  });

  it('a latency fault multiplies the measured latency; loss raises latency and lowers bandwidth', () => {
    const base = linkConditions(profile('internet'), 0, 0, NO_FAULT, new Prng(7), 240);
    const spiked = linkConditions(
      profile('internet'),
      0,
      0,
      { ...NO_FAULT, latencyFactor: 4 },
      new Prng(7),
      240,
    );
    assert.ok(Math.abs(spiked.latencyMs / base.latencyMs - 4) < 1e-9);
    assert.equal(spiked.bandwidthBps, base.bandwidthBps);
    const lossy = linkConditions({ ...profile('internet'), loss: 0.05 }, 0, 0, NO_FAULT, new Prng(7), 240);
    assert.ok(lossy.latencyMs > base.latencyMs && lossy.bandwidthBps < base.bandwidthBps);
    assert.ok(lossy.loss <= 0.5);
  });

  it('clamp and the inter-region RTT', () => {
    assert.deepEqual([clamp(-1, 0, 1), clamp(0.5, 0, 1), clamp(2, 0, 1)], [0, 0.5, 1]);
    for (const [a, b] of [
      ['us-east', 'eu-west'],
      ['a', 'b'],
      ['ap-south', 'us-east'],
    ]) {
      const rtt = interRegionBaseRttMs(a!, b!);
      assert.ok(rtt >= 20 && rtt < 160);
      assert.equal(rtt, interRegionBaseRttMs(b!, a!));
    }
  });
});
