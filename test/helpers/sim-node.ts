/** The simulated node the simulator tests share (one node, fixed seeds, no HTTP server). */
import { linkProfile, type LinkClass } from '../../src/sim/link-model.ts';
import { SimNode, type SimNodeOptions } from '../../src/sim/node.ts';
import { Prng } from '../../src/sim/prng.ts';

/** Start of every test simulation: 2026-01-01T00:00:00Z. */
export const SIM_T0 = Date.UTC(2026, 0, 1);

/**
 * `node-1` in `us-east` with `linkClass`'s profile drawn from `Prng(3)`, seed 11, 25 % rollout, a real day,
 * no faults, peers node-2 and node-3, remote region eu-west, starting at {@link SIM_T0}; `over` replaces any of
 * these options.
 */
export function testSimNode(linkClass: LinkClass, over: Partial<SimNodeOptions> = {}): SimNode {
  return new SimNode({
    id: 'node-1',
    region: 'us-east',
    profile: linkProfile(linkClass, new Prng(3)),
    seed: 11,
    rolloutPercent: 25,
    daySeconds: 86400,
    startMs: SIM_T0,
    faults: [],
    peers: ['node-2', 'node-3'],
    remoteRegions: ['eu-west'],
    warn: () => {},
    ...over,
  });
}
