/**
 * Two unrelated faults overlapping on one node, for the incident benchmark and its test: a compression
 * degradation (HDE) on the datacenter node, and 10 s after it began, while it still goes on, consensus timeouts
 * (ACP) on the same node. Neither component depends on the other in the DWCP dependency graph
 * (alerting/incidents/dependencies.ts), so the second fault is a new problem: its own incident, paged on its own.
 * The demo's settings (2 min warm-up, 1800 s simulated day).
 */
import type { DwcpScenario } from '../dwcp/scenario.ts';

/** The scenario (virtual time: 120 s warm-up, faults at 120-145 s and 130-150 s, 60 s after). */
export function overlappingUnrelatedFaults(): DwcpScenario {
  return {
    name: 'overlapping-unrelated-faults',
    description:
      'A compression degradation on the datacenter node, then consensus timeouts on it 10 s later while it lasts.',
    nodes: 3,
    durationSeconds: 120 + 90,
    warmupSeconds: 120,
    daySeconds: 1800,
    faults: [
      { kind: 'compression_degradation', node: 0, startMs: 120_000, durationMs: 25_000, magnitude: 1.2 },
      { kind: 'consensus_timeouts', node: 0, startMs: 130_000, durationMs: 20_000, magnitude: 5 },
    ],
    levelShifts: [],
    restarts: [],
  };
}
