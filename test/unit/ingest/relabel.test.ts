import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyTargetLabels, TargetLabelMemo } from '../../../src/ingest/relabel.ts';
import type { Sample } from '../../../src/model/sample.ts';

const TARGET = { job: 'dwcp', instance: 'h:9100', region: 'us' };
const sample = (labels: Record<string, string>): Sample => ({
  name: 'dwcp_x',
  labels,
  value: 1,
  timestampMs: 5,
});

describe('applyTargetLabels', () => {
  it('adds the target labels; a clashing exposed label is kept as exported_<name>; the input is not changed', () => {
    const input = [sample({ a: '1', job: 'inner' })];
    const [out] = applyTargetLabels(input, TARGET, false);
    assert.deepEqual(out, {
      name: 'dwcp_x',
      labels: { a: '1', exported_job: 'inner', job: 'dwcp', instance: 'h:9100', region: 'us' },
      value: 1,
      timestampMs: 5,
    });
    assert.deepEqual(input[0]!.labels, { a: '1', job: 'inner' });
  });

  it('with honor_labels the exposed label wins and an exposed empty value removes the label', () => {
    const [out] = applyTargetLabels([sample({ job: 'nightly', region: '', a: '1' })], TARGET, true);
    assert.deepEqual(out!.labels, { instance: 'h:9100', job: 'nightly', a: '1' });
  });

  it('with a memo, a frozen exposed label set gets the same frozen labelled set every time, equal to the unmemoised one', () => {
    const memo = new TargetLabelMemo();
    const frozen = Object.freeze({ a: '1', job: 'inner' });
    for (const honor of [false, true]) {
      const [x] = applyTargetLabels([sample(frozen)], TARGET, honor, memo);
      const [y] = applyTargetLabels([{ ...sample(frozen), value: 2 }], TARGET, honor, memo);
      assert.equal(y!.labels, x!.labels);
      assert.ok(Object.isFrozen(x!.labels));
      assert.equal(y!.value, 2);
      assert.deepEqual(
        Object.entries(x!.labels),
        Object.entries(applyTargetLabels([sample({ a: '1', job: 'inner' })], TARGET, honor)[0]!.labels),
      );
    }
    // other target labels: made anew
    const [z] = applyTargetLabels([sample(frozen)], { job: 'other' }, false, memo);
    assert.deepEqual(z!.labels, { a: '1', exported_job: 'inner', job: 'other' });
    // a label set that is not frozen (it could change) is never memoised
    const open = { a: '1' };
    const [p] = applyTargetLabels([sample(open)], TARGET, false, memo);
    const [q] = applyTargetLabels([sample(open)], TARGET, false, memo);
    assert.notEqual(p!.labels, q!.labels);
  });
});
