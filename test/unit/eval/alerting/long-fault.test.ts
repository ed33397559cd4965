/**
 * Faults that last longer than the detection engine's 5-minute cooldown, through the monitor's pipeline and the
 * alerting flow in virtual time (runIncidentScenario): one incident and one page per fault, and a `resolved` only
 * once the fault is over. The detectors learn a lasting fault's level within seconds; the anomaly stays open until
 * its series is back inside the band it opened against (detection-hold.ts), so neither the 10-min throughput drop
 * nor the 10-min slow memory leak on a hybrid node resolves early or opens a second incident after the cooldown.
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

  it('a slow memory leak is one incident, paged once', () => {
    const { f, firing } = pages(1);
    assert.equal(f.fault.kind, 'memory_leak');
    assert.equal(f.incidents.length, 1, JSON.stringify(r.incidents.map((i) => i.title)));
    assert.equal(firing.length, 1, JSON.stringify(r.notifications));
  });

  it("each fault's incident stays open while the fault lasts and resolves within 15 s of its end", () => {
    for (const i of [0, 1]) {
      const f = r.score.faults[i]!;
      const incidents = r.incidents.filter((x) => f.incidents.includes(x.id));
      assert.equal(incidents.length, 1, f.fault.kind);
      const at = incidents[0]!.resolvedAtMs;
      assert.ok(at !== null, `${f.fault.kind}: the incident never resolved`);
      assert.ok(
        at >= f.fault.endMs && at <= f.fault.endMs + 15_000,
        `${f.fault.kind}: resolved ${(at - f.fault.endMs) / 1000} s after the fault's end`,
      );
      const resolvedSent = r.notifications.filter(
        (n) => n.kind === 'resolved' && f.incidents.includes(n.incidentId),
      );
      assert.equal(resolvedSent.length, 1, f.fault.kind);
      assert.ok(resolvedSent[0]!.atMs >= f.fault.endMs, `${f.fault.kind}: resolved sent during the fault`);
    }
  });
});
