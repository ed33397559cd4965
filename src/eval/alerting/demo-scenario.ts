/**
 * The demo's default fault scenario (scenarios/default.yaml: 8 faults on 6 nodes in 3 regions) as a labelled DWCP
 * scenario, so the alerting evaluator can run it in virtual time with the demo's settings (2 min warm-up,
 * 1800 s simulated day, the monitor's default one-day seasonal period).
 */
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../sim/scenario.ts';
import { validateScenario, type DwcpScenario } from '../dwcp/scenario.ts';
import type { DwcpRunOptions } from '../dwcp/options.ts';

/** The demo's scenario file. */
export const DEMO_SCENARIO_FILE = fileURLToPath(new URL('../../../scenarios/default.yaml', import.meta.url));

/** Run options matching the demo's monitor (default configuration: one-day seasonal period). */
export const DEMO_RUN_OPTIONS: DwcpRunOptions = Object.freeze({ detection: { seasonalPeriod: 86_400_000 } });

/**
 * The demo scenario: 6 nodes, 200 s (faults end by 161 s), warm-up 120 s, day 1800 s.
 * @throws ConfigError / InvalidInputError when the scenario file is invalid
 */
export function demoScenario(file = DEMO_SCENARIO_FILE): DwcpScenario {
  const parsed = loadScenario(file, 6);
  const s: DwcpScenario = {
    name: 'demo-default',
    description:
      'The demo default scenario: one fault of each kind on 6 nodes in 3 regions, overlapping in time.',
    nodes: 6,
    durationSeconds: 200,
    warmupSeconds: 120,
    daySeconds: 1800,
    faults: parsed.faults,
    levelShifts: [],
    restarts: [],
  };
  validateScenario(s);
  return s;
}
