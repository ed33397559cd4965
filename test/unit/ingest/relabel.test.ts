import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyTargetLabels } from '../../../src/ingest/relabel.ts';
import type { Sample } from '../../../src/model/sample.ts';

const TARGET = { job: 'dwcp', instance: 'h:9100', region: 'us' };
const sample = (labels: Record<string, string>): Sample => ({ name: 'dwcp_x', labels, value: 1, timestampMs: 5 });

describe('applyTargetLabels', () => {
  it('adds the target labels; a clashing exposed label is kept as exported_<name>; the input is not changed', () => {
    const input = [sample({ a: '1', job: 'inner' })];
    const [out] = applyTargetLabels(input, TARGET, false);
    assert.deepEqual(out, { name: 'dwcp_x', labels: { a: '1', exported_job: 'inner', job: 'dwcp', instance: 'h:9100', region: 'us' }, value: 1, timestampMs: 5 });
    assert.deepEqual(input[0]!.labels, { a: '1', job: 'inner' });
  });

  it('with honor_labels the exposed label wins and an exposed empty value removes the label', () => {
    const [out] = applyTargetLabels([sample({ job: 'nightly', region: '', a: '1' })], TARGET, true);
    assert.deepEqual(out!.labels, { instance: 'h:9100', job: 'nightly', a: '1' });
  });
});
