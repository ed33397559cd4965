import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMonitorConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../../src/model/detection-settings.ts';

test('series outside the catalog are inferred by default, with a warm-up and no rules', () => {
  const d = parseMonitorConfig({}).detection;
  assert.equal(d.inference, true);
  assert.deepEqual(d.series, []);
  assert.equal(d.inferredWarmup, DEFAULT_DETECTION_SETTINGS.inferredWarmup);
});

test('detection.series rules and the warm-up are read from the configuration', () => {
  const d = parseMonitorConfig({
    detection: { inference: true, inferredWarmup: '15m', series: [{ match: 'myapp_.*_depth', labels: { queue: 'ingest|export' }, kind: 'utilization' }, { match: 'node_load.*', kind: 'ignore' }] },
  }).detection;
  assert.equal(d.inferredWarmup, 900_000);
  assert.deepEqual(d.series, [
    { match: 'myapp_.*_depth', labels: { queue: 'ingest|export' }, kind: 'utilization' },
    { match: 'node_load.*', kind: 'ignore' },
  ]);
  assert.equal(parseMonitorConfig({ detection: { inference: false } }).detection.inference, false);
});

test('a bad detection.series rule is refused with its path', () => {
  const bad = (series: unknown[]): string => {
    try {
      parseMonitorConfig({ detection: { series } });
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      return e.message;
    }
    assert.fail('accepted');
  };
  assert.match(bad([{ match: '(', kind: 'latency' }]), /detection\.series\.0\.match: must be a valid regular expression/);
  assert.match(bad([{ match: 'x', kind: 'speed' }]), /detection\.series\.0\.kind/);
  assert.match(bad([{ match: 'x', labels: { '0bad': 'y' }, kind: 'latency' }]), /detection\.series\.0\.labels/);
  assert.match(bad([{ match: 'x', kind: 'latency', extra: 1 }]), /detection\.series\.0/);
});
