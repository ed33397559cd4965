/**
 * The demo's defaults, apart from the demo itself so `dwcp-monitor demo --help` can show them without loading the
 * monitor, the simulator and their dependencies.
 */
import { fileURLToPath } from 'node:url';
import type { DemoOptions } from './run.ts';

/** The default scenario shipped with the project. */
export const DEFAULT_SCENARIO = fileURLToPath(new URL('../../scenarios/default.yaml', import.meta.url));

/** Defaults of the demo (6 nodes in 3 regions, the default scenario, port 9500, ./data). */
export const DEMO_DEFAULTS: Omit<DemoOptions, 'durationMs'> = {
  nodes: 6,
  regions: ['us-east', 'eu-west', 'ap-south'],
  scenarioPath: DEFAULT_SCENARIO,
  seed: 1,
  rolloutPercent: 25,
  port: 9500,
  dataDir: './data',
  daySeconds: 1800,
};
