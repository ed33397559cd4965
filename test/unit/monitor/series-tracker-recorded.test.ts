/**
 * The series tracker's outputs on a recorded batch sequence (test/helpers/tracker-recording.ts) against outputs
 * recorded from the tracker of main at 03e06b9 into test/fixtures/tracker-recorded-outputs.json, so that a change of
 * its per-sample path (e.g. a derivation kept per series, measured in docs/ingest.md) is checked against the path
 * before it. Admitted samples, their keys, rejections and every
 * detection input (key, metric, labels, value, kind, transform, definition, inference reason, direction) must be the
 * same, admission for admission, with inference off, on, and with operator rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { seriesKey } from '../../../src/model/sample.ts';
import { SeriesTracker } from '../../../src/monitor/series-tracker.ts';
import {
  admitRecorded,
  plainOutputs,
  recordOf,
  type RecordedAdmission,
} from '../../helpers/tracker-recording.ts';

const RECORDED = JSON.parse(
  readFileSync(new URL('../../fixtures/tracker-recorded-outputs.json', import.meta.url), 'utf8'),
) as Record<string, RecordedAdmission[]>;

test('the tracker gives the recorded outputs on the recorded batch sequence, in every configuration', () => {
  const results = admitRecorded((n, o) => new SeriesTracker(n, o));
  assert.deepEqual([...results.keys()], Object.keys(RECORDED));
  for (const [config, admissions] of results) {
    const want = RECORDED[config]!;
    assert.equal(admissions.length, want.length, config);
    admissions.forEach((r, i) => {
      const got = recordOf(r);
      if (got.digest !== want[i]!.digest)
        assert.fail(`${config}, admission ${i} differs: ${JSON.stringify(plainOutputs(r))}`);
      assert.deepEqual(got, want[i], `${config}, admission ${i}`);
    });
  }
});

test('the recorded sequence goes through every derivation and rejection the tracker has', () => {
  const results = admitRecorded((n, o) => new SeriesTracker(n, o));
  const reasons = new Set<string>();
  const derived = new Set<string>();
  for (const admissions of results.values())
    for (const r of admissions) {
      for (const k of Object.keys(r.rejected)) reasons.add(k);
      for (const x of r.inputs)
        derived.add(`${x.transform}:${x.inferred === undefined ? 'plain' : 'inferred'}`);
      r.admitted.forEach((s, j) => assert.equal(r.keys[j], seriesKey(s.name, s.labels)));
    }
  assert.deepEqual([...reasons].sort(), [
    'duplicate',
    'out_of_order',
    'series_limit',
    'too_far_ahead',
    'too_old',
  ]);
  assert.deepEqual([...derived].sort(), [
    'mean:inferred',
    'mean:plain',
    'rate:inferred',
    'rate:plain',
    'value:inferred',
    'value:plain',
  ]);
});
