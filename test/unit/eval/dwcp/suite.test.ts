/** The scenario suite (src/eval/dwcp/suite.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateRuns } from '../../../../src/eval/dwcp/aggregate.ts';
import { runDwcpSuite } from '../../../../src/eval/dwcp/suite.ts';
import { STATISTICAL_RUN as OPTS, tinyScenario as tiny } from '../../../helpers/dwcp-scenario.ts';

describe('runDwcpSuite', () => {
  it('aggregates per scenario and in total, and reports progress', async () => {
    const fault = tiny({ name: 'tiny-fault', durationSeconds: 80 });
    const benign = tiny({ name: 'tiny-benign', durationSeconds: 80, faults: [] });
    const seen: string[] = [];
    const res = await runDwcpSuite([fault, benign], [1, 2], OPTS, (p) =>
      seen.push(`${p.done}/${p.total} ${p.scenario}`),
    );
    assert.deepEqual(seen, ['1/4 tiny-fault', '2/4 tiny-fault', '3/4 tiny-benign', '4/4 tiny-benign']);
    assert.equal(res.scenarios.length, 2);
    const [f, b] = res.scenarios;
    assert.equal(f!.faults, 2);
    assert.equal(f!.benignFalseAlerts, 0);
    assert.equal(b!.faults, 0);
    assert.equal(b!.recall, null);
    assert.equal(b!.benignFalseAlerts, b!.detections);
    assert.equal(res.total.runs, 4);
    assert.equal(res.total.benignRuns, 2);
    assert.equal(res.total.detections, f!.detections + b!.detections);
    assert.equal(res.total.benignFalseAlerts, b!.detections);
    assert.deepEqual(aggregateRuns([...f!.results, ...b!.results]).f1, res.total.f1);
  });
});
