import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  ANOMALY_ALERT_NAME,
  ZERO_TIME,
  buildAlertmanagerPayload,
  labelsFingerprint,
} from '../../src/alerting/alertmanager-payload.ts';
import { InvalidInputError } from '../../src/errors.ts';
import type { Anomaly } from '../../src/model/anomaly.ts';

const FIXTURE = new URL('./fixtures/alertmanager-payload.json', import.meta.url);
// Fixed clock: every time below is derived from this instant (2024-05-01T12:00:00Z).
const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

const latency: Anomaly = {
  id: 41,
  seriesKey: 'dwcp_amst_stream_latency_seconds{node_id="node-1",region="eu-west"}',
  metric: 'dwcp_amst_stream_latency_seconds',
  labels: { node_id: 'node-1', region: 'eu-west' },
  component: 'amst',
  kind: 'latency',
  startedAtMs: T0,
  detectedAtMs: T0 + 250,
  resolvedAtMs: null,
  observed: 0.4213,
  expected: 0.05,
  lower: 0.02,
  upper: 0.08,
  deviation: 7.4261,
  confidence: 0.97,
  severity: 'critical',
  detector: 'statistical',
  acknowledged: false,
  score: 0.97,
  votes: [],
};

const compression: Anomaly = {
  ...latency,
  id: 42,
  seriesKey: 'dwcp_hde_compression_ratio{node_id="node-2",region="eu-west"}',
  metric: 'dwcp_hde_compression_ratio',
  labels: { node_id: 'node-2', region: 'eu-west' },
  component: 'hde',
  kind: 'compression',
  startedAtMs: T0 - 60_000,
  resolvedAtMs: T0 + 30_000,
  observed: 1.2,
  expected: 3.1,
  lower: 2.5,
  upper: 3.7,
  deviation: -3.1667,
  confidence: 0.81,
  severity: 'high',
};

const OPTS = { receiver: 'ops-webhook', externalURL: 'http://127.0.0.1:9500/' };

test('payload matches the golden file (firing + resolved, fixed clock)', () => {
  const payload = buildAlertmanagerPayload([latency], [compression], OPTS);
  const actual = JSON.stringify(payload, null, 2) + '\n';
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(FIXTURE, actual);
  assert.equal(actual, readFileSync(FIXTURE, 'utf8'));
});

test('payload follows the Alertmanager webhook format', () => {
  const p = buildAlertmanagerPayload([latency], [compression], OPTS);
  assert.equal(p.version, '4');
  assert.equal(p.status, 'firing');
  assert.equal(p.groupKey, '{}:{alertname="DWCPAnomalyDetected"}');
  assert.deepEqual(p.groupLabels, { alertname: ANOMALY_ALERT_NAME });
  assert.deepEqual(p.commonLabels, { alertname: ANOMALY_ALERT_NAME, region: 'eu-west' });
  assert.equal(p.externalURL, 'http://127.0.0.1:9500');
  assert.equal(p.truncatedAlerts, 0);
  const [firing, resolved] = p.alerts;
  assert.ok(firing && resolved);
  assert.equal(firing.endsAt, ZERO_TIME);
  assert.equal(firing.startsAt, '2024-05-01T12:00:00.000Z');
  assert.equal(resolved.status, 'resolved');
  assert.equal(resolved.endsAt, '2024-05-01T12:00:30.000Z');
  assert.match(firing.fingerprint, /^[0-9a-f]{16}$/);
  assert.notEqual(firing.fingerprint, resolved.fingerprint);
  assert.match(
    firing.annotations['description'] ?? '',
    /observed 0\.4213 .*\[0\.02, 0\.08\].*\+7\.4261 sigma; confidence 0\.97; detector statistical/,
  );
});

test('only resolved alerts → status resolved; maxAlerts truncates and counts', () => {
  const p = buildAlertmanagerPayload([], [compression], OPTS);
  assert.equal(p.status, 'resolved');
  const t = buildAlertmanagerPayload([latency, { ...latency, id: 43 }], [compression], {
    ...OPTS,
    maxAlerts: 2,
  });
  assert.equal(t.alerts.length, 2);
  assert.equal(t.truncatedAlerts, 1);
});

test('fingerprint: Prometheus FNV-1a over sorted labels, independent of key order', () => {
  // Empty label set → FNV-1a 64 offset basis, as model.LabelSet{}.Fingerprint().
  assert.equal(labelsFingerprint({}), 'cbf29ce484222325');
  assert.equal(labelsFingerprint({ a: '1', b: '2' }), labelsFingerprint({ b: '2', a: '1' }));
  assert.notEqual(labelsFingerprint({ a: '1' }), labelsFingerprint({ a: '2' }));
  assert.notEqual(labelsFingerprint({ ab: 'c' }), labelsFingerprint({ a: 'bc' }));
});

test('series labels cannot override the alert identity labels', () => {
  const a = { ...latency, labels: { alertname: 'Other', severity: 'low', node_id: 'n' } };
  const p = buildAlertmanagerPayload([a], [], OPTS);
  assert.equal(p.alerts[0]?.labels['alertname'], ANOMALY_ALERT_NAME);
  assert.equal(p.alerts[0]?.labels['severity'], 'critical');
});

test('bad input is rejected', () => {
  assert.throws(() => buildAlertmanagerPayload([], [], OPTS), InvalidInputError);
  assert.throws(() => buildAlertmanagerPayload([], [latency], OPTS), /no resolvedAtMs/);
  assert.throws(() => buildAlertmanagerPayload([latency], [], { ...OPTS, maxAlerts: -1 }), InvalidInputError);
  assert.throws(() => buildAlertmanagerPayload([latency], [], { ...OPTS, receiver: '' }), InvalidInputError);
});
