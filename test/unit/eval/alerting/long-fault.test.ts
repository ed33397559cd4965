/**
 * Faults that last longer than the detection engine's 5-minute cooldown, through the monitor's pipeline and the
 * alerting flow in virtual time (runIncidentScenario): one incident and one page per fault is the goal. A 10-min
 * throughput drop pages once. A 10-min slow memory leak on a hybrid node pages twice: the detector learns the
 * trend, the anomaly and its incident resolve within seconds, and the same series opens a new anomaly (a new
 * incident) right after the cooldown — kept as a `todo` until incidents stop resolving while such a fault lasts.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEMO_RUN_OPTIONS } from '../../../../src/eval/alerting/demo-scenario.ts';
import { runIncidentScenario, type IncidentRunResult } from '../../../../src/eval/alerting/incident-run.ts';
import type { DwcpScenario } from '../../../../src/eval/dwcp/scenario.ts';

const FAULT_MS = 600_000;
const scenario: DwcpScenario = {
  name: 'long-faults',
  description:
    'A 10-minute throughput drop on the datacenter node and a slow memory leak on the hybrid node.',
  nodes: 3,
  durationSeconds: 120 + 600 + 60,
  warmupSeconds: 120,
  daySeconds: 1800,
  faults: [
    { kind: 'throughput_drop', node: 0, startMs: 120_000, durationMs: FAULT_MS, magnitude: 0.7 },
    { kind: 'memory_leak', node: 2, startMs: 120_000, durationMs: FAULT_MS, magnitude: 0.1 },
  ],
  levelShifts: [],
  restarts: [],
};

describe('a 10-minute fault, longer than the detection cooldown', () => {
  let r: IncidentRunResult;
  before(async () => {
    r = await runIncidentScenario(scenario, 1, { run: DEMO_RUN_OPTIONS });
  });

  /** The incidents covering fault `i` and the firing notifications sent for them. */
  function pages(i: number) {
    const f = r.score.faults[i]!;
    const firing = r.notifications.filter((n) => n.kind === 'firing' && f.incidents.includes(n.incidentId));
    return { f, firing };
  }

  it('a throughput drop is one incident, paged once, and no anomaly reopens on its node after the cooldown', () => {
    const { f, firing } = pages(0);
    assert.equal(f.fault.kind, 'throughput_drop');
    assert.equal(f.incidents.length, 1, JSON.stringify(r.incidents.map((i) => i.title)));
    assert.equal(firing.length, 1, JSON.stringify(r.notifications));
    const late = r.run.anomalies.filter(
      (a) => a.labels.node === f.fault.node && a.startedAtMs > f.fault.startMs + 60_000,
    );
    assert.deepEqual(
      late.map((a) => a.metric),
      [],
    );
  });

  it(
    'a slow memory leak is one incident, paged once',
    {
      todo: 'pages twice: its anomaly resolves within seconds and the series reopens after the 5-min cooldown',
    },
    () => {
      const { f, firing } = pages(1);
      assert.equal(f.fault.kind, 'memory_leak');
      assert.equal(f.incidents.length, 1, JSON.stringify(r.incidents.map((i) => i.title)));
      assert.equal(firing.length, 1, JSON.stringify(r.notifications));
    },
  );
});
