/**
 * A one-sample excursion that doubles every deviation the series has shown pages without a second sample (the
 * Holt-Winters level member's record evidence, record-evidence.ts), through the engine as `serve` builds it; in a
 * history shorter than 1,000 samples only at the larger margin of the same budget.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DETECTION_SETTINGS } from '../../../src/model/detection-settings.ts';
import { detectionEngineOptions } from '../../../src/monitor/detection-config.ts';
import { DetectionEngine } from '../../../src/monitor/detection-engine.ts';
import type { DetectionInput } from '../../../src/monitor/detection-input.ts';
import { CorpusRandom } from '../../../src/eval/corpus/random.ts';

const MINUTE = 60_000;

/** Rows where the engine opened an anomaly on a generic series of unit Gaussian noise around 100 with `spikes`. */
function openedRows(
  rows: number,
  spikes: ReadonlyMap<number, number>,
  inferred = false,
  stepMs = MINUTE,
): number[] {
  const engine = new DetectionEngine({
    ...detectionEngineOptions(DEFAULT_DETECTION_SETTINGS),
    maxSeries: 1,
    analyse: () => true,
  });
  const rng = new CorpusRandom(3);
  const out: number[] = [];
  for (let i = 0; i < rows; i++) {
    const ts = 1_700_000_000_000 + i * stepMs;
    const input: DetectionInput = {
      key: 's',
      metric: 's',
      labels: {},
      value: 100 + rng.normal() + (spikes.get(i) ?? 0),
      timestampMs: ts,
      kind: 'generic',
      transform: 'value',
      def: undefined,
      ...(inferred ? { inferred: 'test series' } : {}),
    };
    if (engine.process([input], ts).opened.length > 0) out.push(i);
  }
  return out;
}

describe('record evidence through the engine', () => {
  it('a single 40 σ sample after 1,000 judged samples opens an anomaly on that sample', () => {
    assert.deepEqual(openedRows(1600, new Map([[1500, 40]])), [1500]);
  });

  it('outside the catalog too, where the sample stands for the minimum duration (5-minute samples)', () => {
    assert.deepEqual(openedRows(1600, new Map([[1500, 40]]), true, 5 * MINUTE), [1500]);
  });

  it('in a shorter history only at the larger margin of the same budget (about 2.2× at row 600)', () => {
    assert.deepEqual(openedRows(700, new Map([[600, 40]])), [600], '40 σ: far beyond 2.2× the maximum');
    assert.deepEqual(openedRows(700, new Map([[600, 6.5]])), [], 'a 6.5 σ vote: under the margin');
  });

  it('an hourly series with a few hundred samples pages a single far-off sample (and nothing else)', () => {
    assert.deepEqual(openedRows(400, new Map([[300, 30]]), false, 60 * MINUTE), [300]);
    assert.deepEqual(openedRows(400, new Map(), false, 60 * MINUTE), []);
  });

  it('not in the first 100 judged samples, whatever the size: the maximum of fewer is no tail', () => {
    assert.deepEqual(openedRows(200, new Map([[120, 40]])), []);
  });

  it('a second fault of the same size opens too: a record stays out of the in-control history', () => {
    assert.deepEqual(
      openedRows(
        2200,
        new Map([
          [1500, 40],
          [2000, 40],
        ]),
      ),
      [1500, 2000],
    );
  });

  it('a smaller fault after a large one opens: the large one set no bar', () => {
    assert.deepEqual(
      openedRows(
        2200,
        new Map([
          [1500, 40],
          [2000, 15],
        ]),
      ),
      [1500, 2000],
    );
  });

  it('a 16 σ sample after a 12 σ record opens: the record stays out of the in-control history', () => {
    assert.deepEqual(
      openedRows(
        2200,
        new Map([
          [900, 12],
          [2000, 16],
        ]),
      ),
      [900, 2000],
    );
  });
});
