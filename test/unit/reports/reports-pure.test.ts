import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.ts';
import type { Anomaly } from '../../../src/model/anomaly.ts';
import { breakdownAnomalies } from '../../../src/reports/anomaly-breakdown.ts';
import { checkReportRange, lastCompletePeriod, nextPeriodEnd } from '../../../src/reports/range.ts';
import { barChart, esc } from '../../../src/reports/svg-chart.ts';
import {
  figureUnit,
  increase,
  periodFigure,
  topChanges,
  type MetricSeries,
} from '../../../src/reports/top-changes.ts';

const H = 3_600_000;
const D = 24 * H;

describe('report periods', () => {
  const now = Date.UTC(2026, 2, 4, 10, 30); // a Wednesday
  it('finds the last complete UTC hour, day and Monday-to-Monday week', () => {
    assert.deepEqual(lastCompletePeriod('hourly', now), {
      fromMs: Date.UTC(2026, 2, 4, 9),
      toMs: Date.UTC(2026, 2, 4, 10),
    });
    assert.deepEqual(lastCompletePeriod('daily', now), {
      fromMs: Date.UTC(2026, 2, 3),
      toMs: Date.UTC(2026, 2, 4),
    });
    assert.deepEqual(lastCompletePeriod('weekly', now), {
      fromMs: Date.UTC(2026, 1, 23),
      toMs: Date.UTC(2026, 2, 2),
    });
    assert.equal(new Date(Date.UTC(2026, 2, 2)).getUTCDay(), 1, 'weeks end on a Monday');
    assert.equal(nextPeriodEnd('daily', now), Date.UTC(2026, 2, 5));
    assert.equal(nextPeriodEnd('weekly', now), Date.UTC(2026, 2, 9));
    assert.throws(() => lastCompletePeriod('custom', now), InvalidInputError);
  });

  it('rejects empty, reversed, long, future and non-finite ranges', () => {
    assert.deepEqual(checkReportRange(now - H, now, now), { fromMs: now - H, toMs: now });
    assert.throws(() => checkReportRange(now, now, now), /empty/);
    assert.throws(() => checkReportRange(now, now - 1, now), /reversed/);
    assert.throws(() => checkReportRange(now - 32 * D, now, now), /31 days/);
    assert.throws(() => checkReportRange(now, now + 2 * H, now + H), /future/);
    assert.throws(() => checkReportRange(Number.NaN, now, now), /valid times/);
  });
});

describe('top changes', () => {
  const pts = (ts: number[], vs: number[]) => ({ timestampsMs: ts, values: vs });
  it('computes counter increases across resets', () => {
    assert.equal(increase(pts([0, 1, 2, 3], [5, 10, 2, 4]), 0, 10), 5 + 2 + 2);
    assert.equal(increase(pts([0], [5]), 0, 10), null);
  });

  it('uses the mean for gauges, the rate for counters and Δsum/Δcount for histograms', () => {
    const g: MetricSeries = { type: 'gauge', series: [pts([0, 1000, 2000, 3000], [1, 3, 10, 20])] };
    assert.equal(periodFigure(g, 0, 2000), 2);
    const c: MetricSeries = { type: 'counter', series: [pts([0, 1000, 2000], [0, 10, 30])] };
    assert.equal(periodFigure(c, 0, 10_000), 3);
    const h: MetricSeries = {
      type: 'histogram',
      sums: [pts([0, 1000], [10, 40])],
      counts: [pts([0, 1000], [1, 4])],
    };
    assert.equal(periodFigure(h, 0, 2000), 10);
  });

  it('ranks by the size of the relative change against the previous period', () => {
    const m = new Map<string, MetricSeries>([
      ['up_a_lot', { type: 'gauge', series: [pts([500, 1500], [10, 30])] }],
      ['down_a_bit', { type: 'gauge', series: [pts([500, 1500], [10, 9])] }],
      ['only_now', { type: 'gauge', series: [pts([1500], [3])] }],
    ]);
    const r = topChanges(m, 1000, 2000);
    assert.deepEqual(
      r.map((x) => [x.metric, x.changePercent]),
      [
        ['up_a_lot', 200],
        ['down_a_bit', -10],
        ['only_now', null],
      ],
    );
    assert.equal(topChanges(m, 1000, 2000, 1).length, 1);
  });

  it('gives each figure its unit: the catalog unit, per second for a counter rate', () => {
    assert.equal(figureUnit('dwcp_amst_bytes_sent_total', 'counter'), 'B/s');
    assert.equal(figureUnit('dwcp_amst_streams_total', 'counter'), '/s');
    assert.equal(figureUnit('dwcp_amst_latency_seconds', 'histogram'), 's');
    assert.equal(figureUnit('dwcp_amst_bandwidth_utilization_percent', 'gauge'), '%');
    assert.equal(figureUnit('node_load1', 'gauge'), '');
    assert.equal(figureUnit('http_requests_total', 'counter'), '/s');
    const m = new Map<string, MetricSeries>([
      [
        'dwcp_amst_bytes_sent_total',
        { type: 'counter', series: [pts([0, 900, 1000, 1900], [0, 10, 10, 40])] },
      ],
    ]);
    assert.equal(topChanges(m, 1000, 2000)[0]?.unit, 'B/s');
  });
});

describe('anomaly breakdown', () => {
  const a = (
    id: number,
    component: Anomaly['component'],
    region: string | undefined,
    start: number,
    end: number | null,
  ): Anomaly =>
    ({
      id,
      component,
      labels: region ? { region } : {},
      startedAtMs: start,
      resolvedAtMs: end,
      severity: 'high',
      metric: 'm',
    }) as Anomaly;
  it('counts anomalies open in the period by component and region, longest incidents first', () => {
    const b = breakdownAnomalies(
      [
        a(1, 'amst', 'eu', 100, 200),
        a(2, 'amst', 'us', 150, null),
        a(3, 'hde', undefined, 50, 120),
        a(4, 'hde', 'eu', 10, 60),
      ],
      100,
      1000,
    );
    assert.equal(b.total, 3, 'an anomaly resolved before the period is left out');
    assert.deepEqual(b.cells, [
      { component: 'amst', region: 'eu', count: 1 },
      { component: 'amst', region: 'us', count: 1 },
      { component: 'hde', region: 'unknown', count: 1 },
    ]);
    assert.deepEqual(
      b.incidents.map((i) => [i.id, i.openMs]),
      [
        [2, 850],
        [1, 100],
        [3, 20],
      ],
    );
    assert.equal(b.bySeverity.high, 3);
  });
});

describe('SVG bar chart', () => {
  it('draws one bar per value, escapes labels, and marks missing data', () => {
    const svg = barChart(
      'A <chart>',
      [
        { label: 'x&y', value: 5 },
        { label: 'neg', value: -2 },
        { label: 'none', value: null },
      ],
      { unit: '%', reference: { value: 4, label: 'target' } },
    );
    assert.match(svg, /aria-label="A &lt;chart&gt;"/);
    assert.equal((svg.match(/<rect /g) ?? []).length, 2);
    assert.match(svg, />x&amp;y</);
    assert.match(svg, /no data/);
    assert.match(svg, />target</);
    assert.equal(esc(`"'`), '&quot;&#39;');
    const many = barChart(
      't',
      Array.from({ length: 45 }, (_, i) => ({ label: `b${i}`, value: i })),
    );
    assert.equal((many.match(/<rect /g) ?? []).length, 40);
    assert.match(many, /5 more not drawn/);
  });
});
