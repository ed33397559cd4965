/**
 * The simulated cluster the ingest benches render bodies from (bench/scrape.ts, bench/tracker-admit.ts,
 * bench/parse-cost.ts): `nodes` simulated nodes over the three demo regions, half of them on the new version, no
 * faults, starting at `startMs` (Unix ms).
 */
import type { SimNode } from '../src/sim/node.ts';
import { createSimNode, deriveNodes } from '../src/sim/topology.ts';

/** The first simulated timestamp of the ingest benches (Unix ms). */
export const SIM_START_MS = 1_700_000_000_000;

/** `nodes` simulated nodes (their specs and the nodes themselves, in the same order). */
export function simulatedCluster(
  nodes: number,
  startMs = SIM_START_MS,
): { specs: ReturnType<typeof deriveNodes>; sims: SimNode[] } {
  const specs = deriveNodes(nodes, ['us-east', 'eu-west', 'ap-south'], 1, 0);
  const sims = specs.map((spec) =>
    createSimNode(spec, {
      rolloutPercent: 50,
      daySeconds: 86_400,
      startMs,
      faults: [],
      warn: () => {},
    }),
  );
  return { specs, sims };
}
