/**
 * The simulated nodes of a scenario run and the scenario's ground-truth labels. Nodes are derived exactly as
 * `startCluster` derives them (src/sim/topology.ts) over the first `nodes` of {@link SCENARIO_REGIONS}; their
 * `instance` label is that of an HTTP target on port {@link SCENARIO_PORT_BASE} + index.
 */
import { InvalidInputError } from '../../errors.ts';
import type { FaultLabel } from '../../model/anomaly.ts';
import { faultLabel } from '../../sim/labels.ts';
import type { SimNode } from '../../sim/node.ts';
import { createSimNode, deriveNodes, type NodeSpec } from '../../sim/topology.ts';
import { SCENARIO_REGIONS, SCENARIO_START_MS, validateScenario, type DwcpScenario } from './scenario.ts';

/** Port of node-1 as a scrape target (its `instance` label); node i is on this + i. */
export const SCENARIO_PORT_BASE = 9101;

/** Share of v3 migrations when a run does not say (as `startCluster`). */
export const DEFAULT_ROLLOUT_PERCENT = 25;

/** The node specs of scenario `s` for `seed` (regions: the first `min(3, nodes)` of SCENARIO_REGIONS). */
export function scenarioNodeSpecs(s: DwcpScenario, seed: number): NodeSpec[] {
  const regions = SCENARIO_REGIONS.slice(0, Math.min(SCENARIO_REGIONS.length, s.nodes));
  return deriveNodes(s.nodes, regions, seed, SCENARIO_PORT_BASE);
}

/**
 * The process of node `spec` in scenario `s` after `generation` restarts: the scenario's faults and level shifts
 * of that node, sim start {@link SCENARIO_START_MS}. Not yet ticked.
 */
export function scenarioProcess(
  s: DwcpScenario,
  spec: NodeSpec,
  generation: number,
  rolloutPercent: number,
): SimNode {
  return createSimNode(spec, {
    rolloutPercent,
    daySeconds: s.daySeconds,
    startMs: SCENARIO_START_MS,
    faults: s.faults,
    levelShifts: s.levelShifts,
    generation,
    warn: () => {},
  });
}

/**
 * Node `index` of scenario `s` for `seed`, as the runner builds it (see {@link scenarioProcess}). `generation` > 0
 * is the process after that many restarts (fresh registry, new noise seed).
 * @throws InvalidInputError for a bad scenario or an index outside the cluster.
 */
export function createScenarioNode(
  s: DwcpScenario,
  seed: number,
  index: number,
  options: { readonly generation?: number; readonly rolloutPercent?: number } = {},
): SimNode {
  validateScenario(s);
  if (!Number.isInteger(index) || index < 0 || index >= s.nodes)
    throw new InvalidInputError(`node index ${index} outside the cluster of ${s.nodes} nodes`);
  return scenarioProcess(
    s,
    scenarioNodeSpecs(s, seed)[index]!,
    options.generation ?? 0,
    options.rolloutPercent ?? DEFAULT_ROLLOUT_PERCENT,
  );
}

/** The ground-truth labels of a scenario's faults (src/sim/labels.ts), in fault order. Benign: none. */
export function scenarioLabels(s: DwcpScenario): FaultLabel[] {
  validateScenario(s);
  const specs = scenarioNodeSpecs(s, 1); // ids and regions do not depend on the seed
  return s.faults.map((f) => faultLabel(f, specs[f.node]!.id, specs[f.node]!.region, SCENARIO_START_MS));
}
