/** A small labelled scenario and run options shared by the scenario-evaluator tests (src/eval/dwcp/). */
import type { DwcpRunOptions } from '../../src/eval/dwcp/options.ts';
import type { DwcpScenario } from '../../src/eval/dwcp/scenario.ts';

/** Runs with the single statistical detector (cheap, deterministic). */
export const STATISTICAL_RUN: DwcpRunOptions = { detection: { detector: 'statistical' } };

/** One node, 90 s with a 30 s warm-up, a 70 % throughput drop at 50-70 s; `over` replaces any field. */
export function tinyScenario(over: Partial<DwcpScenario> = {}): DwcpScenario {
  return {
    name: 'tiny',
    description: 'test',
    nodes: 1,
    durationSeconds: 90,
    warmupSeconds: 30,
    daySeconds: 86400,
    faults: [{ kind: 'throughput_drop', node: 0, startMs: 50_000, durationMs: 20_000, magnitude: 0.7 }],
    levelShifts: [],
    restarts: [],
    ...over,
  };
}
