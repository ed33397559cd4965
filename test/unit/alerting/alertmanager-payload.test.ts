import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertAnnotations, alertLabels } from '../../../src/alerting/alertmanager-payload.ts';
import type { Anomaly } from '../../../src/model/anomaly.ts';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);
const down: Anomaly = {
  id: 7,
  seriesKey: 'up{instance="127.0.0.1:9102",job="dwcp",node="node-3",region="ap-south"}',
  metric: 'up',
  labels: { job: 'dwcp', instance: '127.0.0.1:9102', region: 'ap-south', node: 'node-3', target: 'node-3' },
  component: 'system',
  kind: 'generic',
  startedAtMs: T0,
  detectedAtMs: T0 + 1200,
  resolvedAtMs: null,
  observed: 0,
  expected: 1,
  lower: 1,
  upper: 1,
  deviation: Number.NaN,
  confidence: 1,
  severity: 'critical',
  detector: 'target_health',
  acknowledged: false,
  score: 1,
  votes: [],
};

test('a target-down notification names its target in labels and summary, without a made-up deviation', () => {
  const a = alertAnnotations(down);
  assert.equal(
    a['summary'],
    'critical: target node-3 is down (instance=127.0.0.1:9102, job=dwcp, region=ap-south): its scrapes fail (up = 0)',
  );
  assert.match(a['description'] ?? '', /deviation not measured; confidence 1; detector target_health/);
  assert.equal(alertLabels(down)['target'], 'node-3');
  assert.equal(alertLabels(down)['instance'], '127.0.0.1:9102');
});

test('a detector without a value band: "no value band" instead of [NaN, NaN]', () => {
  const a = alertAnnotations({
    ...down,
    metric: 'dwcp_v3_resource_utilization_percent',
    detector: 'ensemble',
    kind: 'utilization',
    severity: 'low',
    observed: 54.3,
    expected: Number.NaN,
    lower: Number.NaN,
    upper: Number.NaN,
    labels: { node: 'node-4', region: 'us-east' },
  });
  assert.match(a['description'] ?? '', /^observed 54\.3; no value band; deviation not measured;/);
  assert.equal(
    a['summary'],
    'low utilization anomaly on system dwcp_v3_resource_utilization_percent (node=node-4, region=us-east)',
  );
});
