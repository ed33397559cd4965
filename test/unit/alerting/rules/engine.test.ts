import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RuleEngine, expandTemplate } from '../../../../src/alerting/rules/engine.ts';
import { parseRuleFile } from '../../../../src/alerting/rules/parse.ts';
import { SeriesWindow } from '../../../../src/alerting/rules/series-window.ts';
import { selectorsOf } from '../../../../src/alerting/rules/conditions.ts';
import type { RuleSet } from '../../../../src/alerting/rules/types.ts';
import { parseDuration } from '../../../../src/model/duration.ts';
import type { Anomaly } from '../../../../src/model/anomaly.ts';
import type { Sample } from '../../../../src/model/sample.ts';

const T0 = Date.UTC(2026, 0, 1);

function ruleSet(yaml: string): RuleSet {
  return { files: ['t.yaml'], groups: parseRuleFile(yaml, 't.yaml', { parseDuration }) };
}

function rules(body: string): string {
  return `groups:\n  - name: g\n    rules:\n${body}`;
}

function windowFor(set: RuleSet): SeriesWindow {
  const w = new SeriesWindow({ maxSeries: 1000, maxPointsPerSeries: 600, scrapeIntervalMs: 1000 });
  w.setNeeds(
    set.groups.flatMap((g) =>
      g.rules.flatMap((r) =>
        selectorsOf(r.condition).map((s) => ({ metric: s.selector.metric, windowMs: s.windowMs })),
      ),
    ),
  );
  return w;
}

const lat = (node: string, value: number, t: number): Sample => ({
  name: 'dwcp_v3_packet_loss_ratio',
  labels: { node, mode: 'internet' },
  value,
  timestampMs: t,
});

test('threshold with `for`: pending, then firing after the duration, then resolved', () => {
  const set = ruleSet(
    rules(
      `      - alert: Slow\n        for: 10s\n        annotations: { summary: '{{ $labels.node }} at {{ $value }}' }\n        condition: { threshold: { metric: dwcp_v3_packet_loss_ratio, op: '>', value: 0.5 } }\n`,
    ),
  );
  const w = windowFor(set);
  const e = new RuleEngine();
  e.setRules(set, T0);
  w.add([lat('node-1', 0.9, T0), lat('node-2', 0.1, T0)]);
  let r = e.evaluate(w, [], T0);
  assert.equal(r.fired.length, 0);
  assert.equal(e.status()[0]!.pending, 1);
  w.add([lat('node-1', 0.8, T0 + 10_000)]);
  r = e.evaluate(w, [], T0 + 10_000);
  assert.equal(r.fired.length, 1);
  assert.equal(r.fired[0]!.labels.node, 'node-1');
  assert.equal(r.fired[0]!.labels.alertname, 'Slow');
  assert.equal(r.fired[0]!.labels.severity, 'warning');
  assert.equal(r.fired[0]!.annotations.summary, 'node-1 at 0.8');
  assert.equal(r.fired[0]!.activeAtMs, T0);
  r = e.evaluate(w, [], T0 + 11_000);
  assert.equal(r.fired.length, 0, 'fires once');
  assert.equal(r.firingCount, 1);
  w.add([lat('node-1', 0.2, T0 + 12_000)]);
  r = e.evaluate(w, [], T0 + 12_000);
  assert.equal(r.resolved.length, 1);
  assert.equal(r.resolved[0]!.resolvedAtMs, T0 + 12_000);
});

test('a stale latest sample is not compared (5-minute lookback)', () => {
  const set = ruleSet(
    rules(
      `      - alert: Slow\n        condition: { threshold: { metric: dwcp_v3_packet_loss_ratio, op: '>', value: 0.5 } }\n`,
    ),
  );
  const w = windowFor(set);
  const e = new RuleEngine();
  e.setRules(set, T0);
  w.add([lat('node-1', 0.9, T0)]);
  assert.equal(e.evaluate(w, [], T0 + 1000).fired.length, 1);
  assert.equal(e.evaluate(w, [], T0 + 6 * 60_000).resolved.length, 1);
});

test('rate_of_change: counter rate with a reset, gauge delta and relative change', () => {
  const set = ruleSet(
    rules(
      `      - alert: Rate\n        condition: { rate_of_change: { metric: dwcp_amst_bytes_sent_total, window: 10s, function: rate, op: '>', value: 5 } }\n` +
        `      - alert: Delta\n        condition: { rate_of_change: { metric: dwcp_v3_packet_loss_ratio, window: 10s, function: delta, op: '>', value: 0.3 } }\n` +
        `      - alert: Relative\n        condition: { rate_of_change: { metric: dwcp_v3_packet_loss_ratio, window: 10s, function: relative, op: '>=', value: 1 } }\n`,
    ),
  );
  const w = windowFor(set);
  const e = new RuleEngine();
  e.setRules(set, T0);
  const ctr = (v: number, t: number): Sample => ({
    name: 'dwcp_amst_bytes_sent_total',
    labels: { node: 'n' },
    value: v,
    timestampMs: t,
  });
  // 0 -> 40 over 4 s, reset to 20 at 5 s, 30 at 6 s: increase 40 + 20 + 10 = 70 over 6 s = 11.67/s.
  w.add([ctr(0, T0), ctr(40, T0 + 4000), ctr(20, T0 + 5000), ctr(30, T0 + 6000)]);
  w.add([lat('n', 0.2, T0), lat('n', 0.6, T0 + 6000)]);
  const r = e.evaluate(w, [], T0 + 6000);
  const names = r.fired.map((a) => a.rule).sort();
  assert.deepEqual(names, ['Delta', 'Rate', 'Relative']);
  assert.ok(Math.abs(r.fired.find((a) => a.rule === 'Rate')!.value - 70 / 6) < 1e-9);
  assert.ok(Math.abs(r.fired.find((a) => a.rule === 'Relative')!.value - 2) < 1e-9);
});

test('absence: a series without samples in the window, and absent() when no series exists', () => {
  const set = ruleSet(
    rules(
      `      - alert: Gone\n        condition: { absence: { metric: up, match: { job: dwcp }, window: 30s } }\n`,
    ),
  );
  const w = windowFor(set);
  const e = new RuleEngine();
  e.setRules(set, T0);
  let r = e.evaluate(w, [], T0);
  assert.equal(r.fired.length, 1, 'no series at all');
  assert.deepEqual({ job: r.fired[0]!.labels.job }, { job: 'dwcp' });
  w.add([{ name: 'up', labels: { job: 'dwcp', node: 'node-1' }, value: 1, timestampMs: T0 + 1000 }]);
  r = e.evaluate(w, [], T0 + 1000);
  assert.equal(r.resolved.length, 1);
  r = e.evaluate(w, [], T0 + 40_000);
  assert.equal(r.fired.length, 1);
  assert.equal(r.fired[0]!.labels.node, 'node-1');
});

function anomaly(node: string, component: Anomaly['component'], severity: Anomaly['severity']): Anomaly {
  return {
    id: 1,
    seriesKey: 'k',
    metric: 'dwcp_amst_latency_seconds',
    labels: { node },
    component,
    kind: 'latency',
    startedAtMs: T0,
    detectedAtMs: T0,
    resolvedAtMs: null,
    observed: 2,
    expected: 1,
    lower: 0,
    upper: 1.5,
    deviation: 4,
    confidence: 0.9,
    score: 0.9,
    votes: [],
    severity,
    detector: 'x',
    acknowledged: false,
  };
}

test('anomaly condition and composites: all joins on node, not subtracts, any unions', () => {
  const set = ruleSet(
    rules(
      `      - alert: SlowAndAnomalous\n        condition:\n          all:\n            - threshold: { metric: dwcp_v3_packet_loss_ratio, op: '>', value: 0.5 }\n            - anomaly: { component: amst, min_severity: medium }\n` +
        `      - alert: SlowWithoutAnomaly\n        condition:\n          all:\n            - threshold: { metric: dwcp_v3_packet_loss_ratio, op: '>', value: 0.5 }\n            - not: { anomaly: { component: amst } }\n` +
        `      - alert: Either\n        condition:\n          any:\n            - threshold: { metric: dwcp_v3_packet_loss_ratio, match: { node: node-1 }, op: '>', value: 0.5 }\n            - threshold: { metric: dwcp_v3_packet_loss_ratio, match: { node: node-2 }, op: '>', value: 0.5 }\n` +
        `      - alert: NoAnomalyAnywhere\n        condition: { not: { anomaly: {} }, on: [] }\n`,
    ),
  );
  const w = windowFor(set);
  const e = new RuleEngine();
  e.setRules(set, T0);
  w.add([lat('node-1', 0.9, T0), lat('node-2', 0.9, T0), lat('node-3', 0.1, T0)]);
  const anomalies = [anomaly('node-1', 'amst', 'high'), anomaly('node-3', 'amst', 'low')];
  const r = e.evaluate(w, anomalies, T0);
  const by = (rule: string) =>
    r.fired
      .filter((a) => a.rule === rule)
      .map((a) => a.labels.node)
      .sort();
  assert.deepEqual(by('SlowAndAnomalous'), ['node-1']);
  assert.deepEqual(by('SlowWithoutAnomaly'), ['node-2']);
  assert.deepEqual(by('Either'), ['node-1', 'node-2']);
  assert.deepEqual(by('NoAnomalyAnywhere'), []);
  assert.equal(e.evaluate(w, [], T0 + 1000).fired.filter((a) => a.rule === 'NoAnomalyAnywhere').length, 1);
});

test('replacing rules keeps alerts of unchanged rules and resolves those of removed rules', () => {
  const a = `      - alert: A\n        condition: { threshold: { metric: dwcp_v3_packet_loss_ratio, op: '>', value: 0.5 } }\n`;
  const b = `      - alert: B\n        condition: { threshold: { metric: dwcp_v3_packet_loss_ratio, op: '>', value: 0.1 } }\n`;
  const set = ruleSet(rules(a + b));
  const w = windowFor(set);
  const e = new RuleEngine();
  e.setRules(set, T0);
  w.add([lat('node-1', 0.9, T0)]);
  assert.equal(e.evaluate(w, [], T0).fired.length, 2);
  const gone = e.setRules(ruleSet(rules(a)), T0 + 1000);
  assert.deepEqual(
    gone.map((g) => g.rule),
    ['B'],
  );
  assert.equal(e.evaluate(w, [], T0 + 1000).fired.length, 0, 'A keeps firing without firing again');
});

test('alerts per rule are bounded', () => {
  const set = ruleSet(
    rules(
      `      - alert: Many\n        condition: { threshold: { metric: dwcp_v3_packet_loss_ratio, op: '>', value: 0 } }\n`,
    ),
  );
  const w = windowFor(set);
  const e = new RuleEngine({ maxAlertsPerRule: 3 });
  e.setRules(set, T0);
  w.add(Array.from({ length: 10 }, (_, i) => lat(`node-${i}`, 1, T0)));
  const r = e.evaluate(w, [], T0);
  assert.equal(r.fired.length, 3);
  assert.equal(r.truncated, 7);
});

test('templates expand $value and $labels; a missing label is empty', () => {
  assert.equal(
    expandTemplate('{{ $labels.node }}/{{$labels.nope}}: {{ $value }}', { node: 'n1' }, 0.123456),
    'n1/: 0.1235',
  );
});

test('the series window keeps only needed metrics and at most maxSeries series and ring points', () => {
  const w = new SeriesWindow({ maxSeries: 2, maxPointsPerSeries: 3, scrapeIntervalMs: 1000 });
  w.setNeeds([{ metric: 'up', windowMs: 60_000 }]);
  w.add([
    { name: 'up', labels: { a: '1' }, value: 1, timestampMs: 1 },
    { name: 'up', labels: { a: '2' }, value: 1, timestampMs: 1 },
    { name: 'up', labels: { a: '3' }, value: 1, timestampMs: 1 },
    { name: 'other', labels: {}, value: 1, timestampMs: 1 },
  ]);
  assert.equal(w.size, 2);
  assert.equal(w.refused, 1);
  assert.equal([...w.series('other')].length, 0);
  for (let t = 2; t < 20; t++) w.add([{ name: 'up', labels: { a: '1' }, value: t, timestampMs: t * 1000 }]);
  const s = [...w.series('up')].find((x) => x.labels.a === '1')!;
  assert.equal(s.lastValue, 19);
  assert.equal(s.change('delta', 60_000, 19_000), 2, 'only the last 3 points are kept: 17, 18, 19');
  assert.equal(w.prune(200_000, 60_000), 2);
  assert.equal(w.size, 0);
});
