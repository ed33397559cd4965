/** Per-target scrape limits as Prometheus has them (src/ingest/scrape-limits.ts). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkScrapeLimits } from '../../../src/ingest/scrape-limits.ts';
import { DEFAULT_SCRAPE_LIMITS, type ScrapeLimits } from '../../../src/model/scrape-limits.ts';
import type { Sample } from '../../../src/model/sample.ts';

const NONE: ScrapeLimits = {
  sampleLimit: 0,
  labelLimit: 0,
  labelNameLengthLimit: 0,
  labelValueLengthLimit: 0,
};
const s = (labels: Record<string, string>, name = 'dwcp_x'): Sample => ({
  name,
  labels,
  value: 1,
  timestampMs: 0,
});
const brief = (samples: Sample[], limits: ScrapeLimits) => {
  const f = checkScrapeLimits(samples, limits);
  return f === null ? null : [f.result, f.error.code, f.error.message];
};

it('sample_limit: more samples than the limit fails the scrape; exactly the limit passes', () => {
  const three = [s({ a: '1' }), s({ a: '2' }), s({ a: '3' })];
  assert.equal(brief(three, { ...NONE, sampleLimit: 3 }), null);
  assert.deepEqual(brief(three, { ...NONE, sampleLimit: 2 }), [
    'sample_limit',
    'DWCP_LIMIT_EXCEEDED',
    'sample limit exceeded (3 samples, limit: 2)',
  ]);
  assert.equal(brief(three, NONE), null, '0 = no limit');
});

it('label_limit counts labels per sample', () => {
  const labels = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`l${i}`, 'v']));
  assert.equal(brief([s(labels)], { ...NONE, labelLimit: 5 }), null);
  assert.deepEqual(brief([s({}), s(labels)], { ...NONE, labelLimit: 4 }), [
    'label_limit',
    'DWCP_LIMIT_EXCEEDED',
    'label_limit exceeded (metric: dwcp_x, number of labels: 5, limit: 4)',
  ]);
});

it('label name and value length limits; long names and values are cut in the message', () => {
  assert.equal(
    brief([s({ abc: 'xyz' })], { ...NONE, labelNameLengthLimit: 3, labelValueLengthLimit: 3 }),
    null,
  );
  assert.deepEqual(brief([s({ abcd: 'x' })], { ...NONE, labelNameLengthLimit: 3 }), [
    'label_limit',
    'DWCP_LIMIT_EXCEEDED',
    'label_name_length_limit exceeded (metric: dwcp_x, label name: "abcd", length: 4, limit: 3)',
  ]);
  const huge = 'v'.repeat(5 * 1024 * 1024);
  const f = checkScrapeLimits([s({ big: huge })], DEFAULT_SCRAPE_LIMITS);
  assert.equal(f?.result, 'label_limit');
  assert.match(
    f?.error.message ?? '',
    /^label_value_length_limit exceeded \(metric: dwcp_x, label name: "big", value: "v{64}…", length: 5242880, limit: 4096\)$/,
  );
});

it('the defaults refuse a 20 000-label series and accept a DWCP node-sized scrape', () => {
  const many = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`l${i}`, 'v']));
  assert.equal(checkScrapeLimits([s(many)], DEFAULT_SCRAPE_LIMITS)?.result, 'label_limit');
  const node = Array.from({ length: 2000 }, (_, i) =>
    s({ job: 'dwcp', instance: 'n:1', region: 'us-east', node: 'n1', i: String(i) }),
  );
  assert.equal(checkScrapeLimits(node, DEFAULT_SCRAPE_LIMITS), null);
});
