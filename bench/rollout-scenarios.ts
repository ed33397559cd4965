/**
 * Scenario tables of bench/rollout.ts: the synthetic-stream and simulator scenarios with their known ground
 * truth, and the link classes of the simulator's nodes.
 */
import type { LinkClass } from '../src/sim/link-model.ts';
import type { Truth } from './rollout-table.ts';

export interface StreamScenario {
  readonly name: string;
  readonly truth: Truth;
  readonly factor: number;
}
export const STREAM_SCENARIOS: readonly StreamScenario[] = [
  { name: 'better 10 %', truth: 'better', factor: 0.9 },
  { name: 'equal', truth: 'equal', factor: 1 },
  { name: 'worse 5 %', truth: 'minor', factor: 1.05 },
  { name: 'worse 10 %', truth: 'regression', factor: 1.1 },
  { name: 'worse 20 %', truth: 'regression', factor: 1.2 },
];

export interface SimScenario {
  readonly name: string;
  readonly truth: Truth;
  /** v3_regression magnitude (true v3/v1 duration ratio with v1DurationFactor 1); 1 = no fault. */
  readonly v3Factor: number;
  /** v1 duration factor of the nodes (1 = equal versions; 1.3 = the simulator's default design). */
  readonly v1Factor: number;
  readonly links: 'internet' | 'mixed';
  /**
   * A node canary: every node runs v1 only (0 %) for `--baseline` minutes (the previous stage), then half the nodes
   * switch to v3 only (100 %) while the others stay on v1, instead of every node at the stage percentage.
   */
  readonly nodeCanary?: boolean;
  /** Run at these stages only (default: every `--stages`). */
  readonly stages?: readonly number[];
}

const AT_25 = [25];
export const SIM_SCENARIOS: readonly SimScenario[] = [
  { name: 'better 10 %', truth: 'better', v3Factor: 0.9, v1Factor: 1, links: 'internet' },
  { name: 'equal', truth: 'equal', v3Factor: 1, v1Factor: 1, links: 'internet' },
  { name: 'worse 10 %', truth: 'regression', v3Factor: 1.1, v1Factor: 1, links: 'internet' },
  { name: 'worse 20 %', truth: 'regression', v3Factor: 1.2, v1Factor: 1, links: 'internet' },
  { name: 'worse 5 %', truth: 'minor', v3Factor: 1.05, v1Factor: 1, links: 'internet', stages: AT_25 },
  {
    name: 'default design (v1 1.3x slower)',
    truth: 'better',
    v3Factor: 1,
    v1Factor: 1.3,
    links: 'mixed',
    stages: AT_25,
  },
  { name: 'mixed links equal', truth: 'equal', v3Factor: 1, v1Factor: 1, links: 'mixed', stages: AT_25 },
  {
    name: 'mixed links worse 10 %',
    truth: 'regression',
    v3Factor: 1.1,
    v1Factor: 1,
    links: 'mixed',
    stages: AT_25,
  },
  {
    name: 'node canary equal',
    truth: 'equal',
    v3Factor: 1,
    v1Factor: 1,
    links: 'internet',
    nodeCanary: true,
    stages: [50],
  },
  {
    name: 'node canary better 10 %',
    truth: 'better',
    v3Factor: 0.9,
    v1Factor: 1,
    links: 'internet',
    nodeCanary: true,
    stages: [50],
  },
  {
    name: 'node canary worse 10 %',
    truth: 'regression',
    v3Factor: 1.1,
    v1Factor: 1,
    links: 'internet',
    nodeCanary: true,
    stages: [50],
  },
  {
    name: 'mixed links node canary equal',
    truth: 'equal',
    v3Factor: 1,
    v1Factor: 1,
    links: 'mixed',
    nodeCanary: true,
    stages: [50],
  },
];
export const LINKS: Readonly<Record<SimScenario['links'], readonly LinkClass[]>> = {
  internet: ['internet'],
  mixed: ['datacenter', 'internet', 'hybrid'],
};
