/**
 * The simulated cluster the ingest benches render bodies from (bench/scrape.ts, bench/tracker-admit.ts,
 * bench/parse-cost.ts): `nodes` simulated nodes over the three demo regions, half of them on the new version, no
 * faults, starting at `startMs` (Unix ms).
 */
import { renderOpenMetrics } from '../src/sdk/openmetrics.ts';
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

/** One rendered scrape body: the node's index in the cluster, its OpenMetrics text and its simulated time (Unix ms). */
export interface RenderedBody {
  readonly node: number;
  readonly body: string;
  readonly nowMs: number;
}

/**
 * Ticks `sims` once per simulated second for `rounds` rounds from `startMs` (Unix ms) and renders every node's
 * body each round, in round-then-node order.
 */
export async function renderRounds(
  sims: readonly SimNode[],
  rounds: number,
  startMs = SIM_START_MS,
): Promise<RenderedBody[]> {
  const out: RenderedBody[] = [];
  for (let r = 0; r < rounds; r++) {
    const nowMs = startMs + r * 1000;
    for (let n = 0; n < sims.length; n++) {
      sims[n]!.tick(nowMs);
      out.push({ node: n, body: await renderOpenMetrics(sims[n]!.registry), nowMs });
    }
  }
  return out;
}
