import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { LIVE_TUNING, liveTuningFor } from '../../../../src/analysis/anomaly/live-tuning.ts';
import { KIND_DEFAULTS } from '../../../../src/analysis/anomaly/statistical.ts';
import type { MetricKind } from '../../../../src/model/anomaly.ts';
import { liveDetectorFactory, liveExcluded } from '../../../../src/monitor/live-detector.ts';
import type { DetectionInput } from '../../../../src/monitor/series-tracker.ts';

const KINDS = Object.keys(KIND_DEFAULTS) as MetricKind[];

describe('live tuning', () => {
  it('generic series and utilisation without the DWCP resource_type get the principled live tuning', () => {
    assert.equal(liveTuningFor('generic', undefined), LIVE_TUNING);
    assert.equal(liveTuningFor('utilization', { instance: 'x' }), LIVE_TUNING);
    assert.equal(LIVE_TUNING.pageRule, 'band');
    assert.ok(LIVE_TUNING.hwSigma !== undefined && LIVE_TUNING.cusum !== undefined);
  });

  it('every analysed DWCP series pages under the band rule through at least one level member', () => {
    for (const kind of KINDS) {
      const t = liveTuningFor(kind, {});
      if (t === null) continue;
      assert.equal(t.pageRule, 'band', kind);
      assert.ok(t.ewmaSigma !== undefined || t.seasonalSigma !== undefined || t.hwSigma !== undefined, kind);
    }
    const mem = liveTuningFor('utilization', { resource_type: 'memory' });
    assert.ok(mem?.cusum !== undefined, 'memory utilisation has the CUSUM trend member for slow leaks');
  });

  it('series whose DWCP tuning was relative entropy alone are left out (cannot page under the band rule)', () => {
    for (const rt of ['cpu', 'network', 'disk'])
      assert.equal(liveTuningFor('utilization', { resource_type: rt }), null, rt);
    assert.equal(liveTuningFor('health', {}), null);
    const input = (kind: MetricKind, labels: Record<string, string>): DetectionInput => ({
      key: 'k',
      metric: 'm',
      labels,
      value: 1,
      timestampMs: 0,
      kind,
      transform: 'value',
      def: undefined,
    });
    assert.equal(liveExcluded('ensemble-live')(input('utilization', { resource_type: 'network' })), true);
    assert.equal(liveExcluded('ensemble-live')(input('latency', {})), false);
    assert.equal(liveExcluded('statistical')(input('utilization', { resource_type: 'network' })), false);
    // The default ensemble keeps relative entropy on network utilisation (the any rule) and leaves out CPU only.
    assert.equal(liveExcluded('ensemble')(input('utilization', { resource_type: 'network' })), false);
    assert.equal(liveExcluded('ensemble')(input('utilization', { resource_type: 'cpu' })), true);
  });

  it('the factories build the live ensemble (ensemble-live) and the statistical ensemble (ensemble, the default; the live members on kind generic) for every kind', () => {
    for (const [choice, name] of [
      ['ensemble-live', 'ensemble-live'],
      ['ensemble', 'ensemble-statistical'],
    ] as const) {
      const f = liveDetectorFactory(choice, 300_000);
      for (const kind of KINDS) {
        const d = f({ kind, labels: {} });
        assert.equal(d.name, kind === 'generic' ? 'ensemble-live' : name, kind);
        for (let i = 0; i < 100; i++) d.update(100 + (i % 3), Date.UTC(2026, 0, 1) + i * 1000);
        assert.ok(d.stateBytes() <= 4096, `${choice} ${kind}: ${d.stateBytes()} bytes`);
      }
    }
  });
});
