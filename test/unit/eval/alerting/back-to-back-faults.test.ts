/**
 * Two faults of unrelated kinds on one node, the second beginning 10 s after the first ended (the demo's
 * compression degradation and memory leak on one datacenter node), through the monitor's pipeline and the
 * alerting flow in virtual time (runIncidentScenario): two incidents and two pages, the second as soon after its
 * fault began as a fault alone on a node is paged. The first incident must not hold the second: its sparse
 * histogram-derived series count their return inside the band in scrapes (detection-hold.ts), and a problem of a
 * component upstream of every member that starts after they all recovered is not joined to their incident
 * (correlator.ts).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEMO_RUN_OPTIONS } from '../../../../src/eval/alerting/demo-scenario.ts';
import { runIncidentScenario, type IncidentRunResult } from '../../../../src/eval/alerting/incident-run.ts';
import type { DwcpScenario } from '../../../../src/eval/dwcp/scenario.ts';

/** The default policy's group wait (3 s) plus the detection delays seen for lone faults in the demo (≤ 7 s). */
const USUAL_DELAY_MS = 10_000;
const scenario: DwcpScenario = {
  name: 'back-to-back-faults',
  description:
    'A compression degradation on the datacenter node, then a memory leak on it 10 s after its end.',
  nodes: 3,
  durationSeconds: 120 + 60,
  warmupSeconds: 120,
  daySeconds: 1800,
  faults: [
    { kind: 'compression_degradation', node: 0, startMs: 120_000, durationMs: 8_000, magnitude: 1.2 },
    { kind: 'memory_leak', node: 0, startMs: 138_000, durationMs: 10_000, magnitude: 3 },
  ],
  levelShifts: [],
  restarts: [],
};

describe('a second fault of another kind on a node right after its first fault ended', () => {
  let r: IncidentRunResult;
  before(async () => {
    r = await runIncidentScenario(scenario, 1, { run: DEMO_RUN_OPTIONS });
  });

  it('is its own incident, paged on its own within the usual delay', () => {
    const [first, second] = r.score.faults;
    assert.equal(first!.fault.kind, 'compression_degradation');
    assert.equal(second!.fault.kind, 'memory_leak');
    const titles = JSON.stringify(r.incidents.map((i) => [i.title, i.startedAtMs, i.resolvedAtMs]));
    assert.equal(first!.incidents.length, 1, titles);
    assert.equal(second!.incidents.length, 1, titles);
    assert.notEqual(first!.incidents[0], second!.incidents[0], `one incident for both faults: ${titles}`);
    const firing = r.notifications.filter((n) => n.kind === 'firing');
    assert.equal(firing.length, 2, JSON.stringify(r.notifications));
    assert.ok(first!.paged && second!.paged);
    const delay = second!.notificationDelayMs;
    assert.ok(delay !== null && delay <= USUAL_DELAY_MS, `the leak paged ${delay} ms after it began`);
  });
});
