import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getMetric } from '../../../../src/catalog/index.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { metricRef } from '../../../../src/generate/promql/metric.ts';
import { printExpr } from '../../../../src/generate/promql/print.ts';
import { gaugeIs } from '../../../../src/generate/rules/fixtures.ts';
import { allAlerts } from '../../../../src/generate/rules/index.ts';
import {
  formatThreshold,
  meets,
  stateAlert,
  testValues,
  thresholdAlert,
  type ThresholdAlertSpec,
} from '../../../../src/generate/rules/threshold.ts';

const gauge = metricRef(getMetric('dwcp_amst_bandwidth_utilization_percent'));

function spec(over: Partial<ThresholdAlertSpec> = {}): ThresholdAlertSpec {
  return {
    name: 'TestHighUtilisation',
    component: 'amst',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    measure: gauge,
    direction: 'above',
    threshold: 85,
    unit: 'percent',
    summary: (t) => `Utilisation above ${t}`,
    description: (t) => `Utilisation has been above ${t} for 5 minutes.`,
    source: 'test',
    fixture: gaugeIs('dwcp_amst_bandwidth_utilization_percent', {}),
    runbook: { causes: [], actions: [] },
    ...over,
  };
}

describe('formatThreshold', () => {
  it('writes each unit the way the alert text does', () => {
    assert.equal(formatThreshold(0.05, 'ratio'), '5 %');
    assert.equal(formatThreshold(0.15, 'ratio'), '15 %'); // 0.15 * 100 is 15.000000000000002 before rounding
    assert.equal(formatThreshold(0.7, 'ratio'), '70 %');
    assert.equal(formatThreshold(85, 'percent'), '85 %');
    assert.equal(formatThreshold(0.5, 'seconds'), '500 ms');
    assert.equal(formatThreshold(0.1, 'seconds'), '100 ms');
    assert.equal(formatThreshold(300, 'seconds'), '300 s');
    assert.equal(formatThreshold(3, 'times'), '3x');
    assert.equal(formatThreshold(2e9, 'bytes_per_second'), '2.0 GB/s');
    assert.equal(formatThreshold(2.2e9, 'bytes_per_second'), '2.2 GB/s');
    assert.equal(formatThreshold(0.01, 'number'), '0.01');
  });
});

describe('testValues', () => {
  it('relative: 1 % beyond and inside the threshold by default, in the firing direction', () => {
    assert.deepEqual(testValues(0.05, 'above'), { firing: 0.0505, silent: 0.0495 });
    assert.deepEqual(testValues(3, 'below'), { firing: 2.97, silent: 3.03 }); // 3 * 0.99 is 2.9699999999999998 unrounded
    assert.deepEqual(testValues(2.2e9, 'below'), { firing: 2.178e9, silent: 2.222e9 });
  });

  it('absolute: threshold ± d', () => {
    assert.deepEqual(testValues(85, 'above', { absolute: 0.5 }), { firing: 85.5, silent: 84.5 });
    assert.deepEqual(testValues(0.99, 'below', { absolute: 0.005 }), { firing: 0.985, silent: 0.995 });
  });

  it('grid: nearest reachable value on each side (strict and inclusive comparisons)', () => {
    assert.deepEqual(testValues(100, 'above', { grid: 1 }), { firing: 101, silent: 100 });
    assert.deepEqual(testValues(3, 'at_least', { grid: 1 }), { firing: 3, silent: 2 });
    assert.deepEqual(testValues(3, 'at_most', { grid: 1 }), { firing: 3, silent: 4 });
    assert.deepEqual(testValues(0.5, 'below', { grid: 1 / 3 }), { firing: 1 / 3, silent: 2 / 3 });
    assert.deepEqual(testValues(0, 'above', { grid: 0.5 }), { firing: 0.5, silent: 0 });
  });

  it('always straddles the threshold, and refuses margins that cannot', () => {
    for (const direction of ['above', 'below', 'at_least', 'at_most'] as const) {
      for (const t of [0.05, 1, 85, 2e9]) {
        const v = testValues(t, direction);
        assert.ok(meets(v.firing, direction, t), `${direction} ${t} firing ${v.firing}`);
        assert.ok(!meets(v.silent, direction, t), `${direction} ${t} silent ${v.silent}`);
      }
    }
    assert.throws(() => testValues(0, 'above'), InvalidInputError); // relative margin of 0 is 0
    assert.throws(() => testValues(1, 'above', { absolute: 0 }), InvalidInputError);
    assert.throws(() => testValues(1, 'above', { grid: -1 }), InvalidInputError);
  });
});

describe('thresholdAlert', () => {
  it('derives expression, summary, description and promtool values from one threshold', () => {
    const a = thresholdAlert(spec());
    assert.equal(printExpr(a.expr), 'dwcp_amst_bandwidth_utilization_percent > 85');
    assert.equal(a.summary, 'Utilisation above 85 %');
    assert.equal(a.description, 'Utilisation has been above 85 % for 5 minutes.');
    assert.equal(a.test.firing, 85.85);
    assert.equal(a.test.silent, 84.15);

    const b = thresholdAlert(spec({ threshold: 70, direction: 'below' }));
    assert.equal(printExpr(b.expr), 'dwcp_amst_bandwidth_utilization_percent < 70');
    assert.equal(b.summary, 'Utilisation above 70 %');
    assert.deepEqual([b.test.firing, b.test.silent], [69.3, 70.7]);
  });

  it('compares with threshold x scale when the threshold is relative to another series', () => {
    const other = metricRef(getMetric('dwcp_hde_delta_hit_rate_percent'));
    const a = thresholdAlert(spec({ scale: other, threshold: 2, unit: 'times' }));
    assert.equal(
      printExpr(a.expr),
      'dwcp_amst_bandwidth_utilization_percent > 2 * dwcp_hde_delta_hit_rate_percent',
    );
  });

  it('refuses text that never mentions the threshold (except "any event" alerts at 0)', () => {
    assert.throws(
      () => thresholdAlert(spec({ summary: () => 'Utilisation high', description: () => 'It is high.' })),
      /mentions the threshold/,
    );
    // The raw value counts as a mention (e.g. a threshold in minutes computed from seconds).
    const a = thresholdAlert(
      spec({ summary: () => 'high', description: (_t, v) => `above ${v / 5} fifths` }),
    );
    assert.equal(a.description, 'above 17 fifths');
    const any = thresholdAlert(
      spec({
        threshold: 0,
        unit: 'number',
        margin: { grid: 0.5 },
        summary: () => 'x',
        description: () => 'y',
      }),
    );
    assert.deepEqual([any.test.firing, any.test.silent], [0.5, 0]);
  });
});

describe('stateAlert', () => {
  it('fires at the state and stays silent at the other state', () => {
    const a = stateAlert({
      ...spec(),
      measure: gauge,
      state: 0,
      otherState: 1,
      summary: 's',
      description: 'd',
    });
    assert.equal(printExpr(a.expr), 'dwcp_amst_bandwidth_utilization_percent == 0');
    assert.deepEqual([a.test.firing, a.test.silent], [0, 1]);
    assert.throws(
      () =>
        stateAlert({ ...spec(), measure: gauge, state: 1, otherState: 1, summary: 's', description: 'd' }),
      InvalidInputError,
    );
  });
});

describe('generated alerts', () => {
  it('fire and stay silent on the two sides of their threshold (alerts of the form `measure <op> number`)', () => {
    const ops = { '>': 'above', '<': 'below', '>=': 'at_least', '<=': 'at_most', '==': undefined } as const;
    let checked = 0;
    for (const a of allAlerts()) {
      const e = a.expr;
      if (e.kind !== 'binary' || e.rhs.kind !== 'number' || !(e.op in ops)) continue;
      const t = e.rhs.value;
      const direction = ops[e.op as keyof typeof ops];
      if (direction === undefined) {
        assert.equal(a.test.firing, t, a.name);
        assert.notEqual(a.test.silent, t, a.name);
      } else {
        assert.ok(meets(a.test.firing, direction, t), `${a.name} firing ${a.test.firing}`);
        assert.ok(!meets(a.test.silent, direction, t), `${a.name} silent ${a.test.silent}`);
      }
      checked++;
    }
    assert.ok(checked >= 35, `expected 35+ single-threshold alerts, checked ${checked}`);
  });
});
