/**
 * Two faults of unrelated components overlapping on one node (src/eval/alerting/overlap-scenario.ts: HDE's
 * compression degradation, then ACP's consensus timeouts 10 s later while it lasts), through the monitor's
 * pipeline and the alerting flow in virtual time: the second fault is not an update of the first fault's incident
 * (correlator rule 1 joins a signal to an active incident on its node only when its component is related to a
 * member's, or it starts within the cascade window of the incident's first signal), so it is paged on its own.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEMO_RUN_OPTIONS } from '../../../../src/eval/alerting/demo-scenario.ts';
import { runIncidentScenario, type IncidentRunResult } from '../../../../src/eval/alerting/incident-run.ts';
import { overlappingUnrelatedFaults } from '../../../../src/eval/alerting/overlap-scenario.ts';

describe('a fault of an unrelated component beginning on a node while another fault there goes on', () => {
  let r: IncidentRunResult;
  before(async () => {
    r = await runIncidentScenario(overlappingUnrelatedFaults(), 1, { run: DEMO_RUN_OPTIONS });
  });

  it('is its own incident, paged on its own', () => {
    const [first, second] = r.score.faults;
    const titles = JSON.stringify(
      r.incidents.map((i) => [i.title, i.startedAtMs, i.resolvedAtMs, i.signals.map((s) => s.component)]),
    );
    assert.equal(first!.fault.kind, 'compression_degradation');
    assert.equal(second!.fault.kind, 'consensus_timeouts');
    assert.ok(first!.incidents.length >= 1 && second!.incidents.length >= 1, titles);
    assert.equal(first!.merged || second!.merged, false, `one incident for both faults: ${titles}`);
    assert.ok(first!.paged, `compression degradation not paged: ${titles}`);
    assert.ok(second!.paged, `consensus timeouts paged only as an update: ${titles}`);
  });
});
