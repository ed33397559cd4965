/**
 * The default catalogue of labelled DWCP scenarios (data): fault scenarios with ground-truth labels and benign
 * scenarios a good detector must stay quiet on. See {@link DWCP_SCENARIOS} for each one and why.
 */
import type { FaultKind } from '../../model/anomaly.ts';
import type { LevelShift } from '../../sim/events.ts';
import { DEFAULT_MAGNITUDE, type ScheduledFault } from '../../sim/faults.ts';
import {
  SCENARIO_NODES,
  SCENARIO_SECONDS,
  SCENARIO_WARMUP_SECONDS,
  validateScenario,
  type DwcpScenario,
} from './scenario.ts';

const REAL_DAY = 86_400;

const S = 1000;
const DC = 0; // node-1, datacenter
const NET = 1; // node-2, internet
const HYB = 2; // node-3, hybrid

function fault(
  kind: FaultKind,
  node: number,
  startS: number,
  durationS: number,
  magnitude?: number,
): ScheduledFault {
  return Object.freeze({
    kind,
    node,
    startMs: startS * S,
    durationMs: durationS * S,
    magnitude: magnitude ?? DEFAULT_MAGNITUDE[kind],
  });
}

/** A deploy rolled out one node after the other, 20 s apart, from `startS` on. */
function rollingShift(target: LevelShift['target'], factor: number, startS: number): LevelShift[] {
  return [DC, NET, HYB].map((node, i) =>
    Object.freeze({ target, node, startMs: (startS + 20 * i) * S, factor }),
  );
}

function scenario(
  name: string,
  description: string,
  parts: Partial<Pick<DwcpScenario, 'faults' | 'levelShifts' | 'restarts' | 'daySeconds'>>,
): DwcpScenario {
  const s: DwcpScenario = {
    name,
    description,
    nodes: SCENARIO_NODES,
    durationSeconds: SCENARIO_SECONDS,
    warmupSeconds: SCENARIO_WARMUP_SECONDS,
    daySeconds: parts.daySeconds ?? REAL_DAY,
    faults: Object.freeze([...(parts.faults ?? [])]),
    levelShifts: Object.freeze([...(parts.levelShifts ?? [])]),
    restarts: Object.freeze([...(parts.restarts ?? [])]),
  };
  validateScenario(s);
  return Object.freeze(s);
}

/** Day length that puts the seasonal peak (sin = 1: most load, highest latency, lowest throughput) at `atS`. */
const peakAt = (atS: number): number => 4 * atS;

/**
 * The default catalogue (26 scenarios: 19 with labelled faults, 7 benign). 3 nodes (node-1 datacenter, node-2
 * internet, node-3 hybrid), 300 s each, 100 s warm-up, 1 s ticks and scrapes; faults start at 120-160 s and end
 * by 270 s, so that recovery (and any false alert after it) is inside the run. Unless stated, `daySeconds` is a
 * real day, so seasonality is flat over the run.
 *
 * Benign scenarios, and why a good detector must not page on them:
 * - `no-fault-steady`: nothing happens. The control for the false-alert rate of plain noise.
 * - `no-fault-day` / `no-fault-two-days`: a whole daily cycle compressed into the run (daySeconds 300, and two
 *   cycles of 150 s). Load swings ±10 %, latency ±5 %, throughput ∓5 %, loss ±20 % (node.ts), every day. A
 *   daily peak is normal traffic, not an incident; paging on it every day is the classic false alarm.
 * - `deploy-latency-improvement`: a rolling deploy (node-1 at 140 s, node-2 at 160 s, node-3 at 180 s) makes
 *   link latency 20 % lower for good (level shift factor 0.8): operation, migration, sync and RDMA latencies
 *   fall, internet TCP stream counts rise, datacenter throughput rises ~2 %, the hybrid node spends more of its
 *   latency oscillation in datacenter mode. Every SLO-relevant metric moves in its good direction; nobody should
 *   be woken up because the system got faster.
 * - `deploy-throughput-gain`: the same rolling deploy raises throughput by 15 % for good (factor 1.15):
 *   throughput gauges and byte rates +15 %, migrations ~13 % shorter, the speedup factor +15 %, network
 *   utilisation +15 % relative (more useful work on the same link), SLA compliance can only improve. A
 *   performance gain is not an incident; a detector that judges bandwidth in both directions (the statistical
 *   baseline does) is expected to page here, and this scenario measures exactly that cost.
 * - `deploy-small-latency-step`: the rolling deploy makes latency 2 % HIGHER for good (factor 1.02): the bad
 *   direction, but the step is the size of one standard deviation of the per-tick link-latency noise (2 %),
 *   less than half the normal ±5 % daily latency swing, and far inside the noise of the per-interval
 *   operation-latency means (uniform 3-8 x RTT). No SLO can see it; a page on it is noise.
 * - `node-restart-no-gap`: node-1's process restarts between two scrapes at 180 s: every counter and histogram
 *   starts again from 0 and every gauge is re-initialised (the new process re-detects its mode). The monitor's
 *   tracker treats a counter decrease as a reset (as Prometheus' `rate`), so derived rates and means stay
 *   correct and nothing should fire; a detector that pages here is paging on a bookkeeping artefact.
 *
 * Fault scenarios (labels from src/sim/labels.ts; metrics = every metric the fault moves):
 * - one per fault kind at the default magnitude (DEFAULT_MAGNITUDE), on varied link classes;
 * - milder variants: latency ×1.5, throughput −25 %, compression ratio 2.0 on a ~2.6 datacenter node, memory
 *   leak 0.05 %/s (a slow creep of 7.5 points over 150 s), v3 regression ×1.5, consensus ×2;
 * - overlapping faults on different nodes (two and three at once);
 * - faults at the seasonal peak (day length chosen so the peak is at the fault start: the detector's baseline
 *   was built while load was climbing, and the fault moves the metric in the same direction as the season);
 * - `node-restart`: node-2 goes down for 5 s (labelled node_down, detected via `up == 0`) and comes back as a
 *   fresh process with counters reset; anything else that fires is a false alert.
 */
export const DWCP_SCENARIOS: readonly DwcpScenario[] = Object.freeze([
  // One per fault kind, default magnitudes.
  scenario('latency-spike', 'latency_spike x5 for 60 s on node-1 (datacenter; it leaves datacenter mode).', {
    faults: [fault('latency_spike', DC, 140, 60)],
  }),
  scenario('throughput-drop', 'throughput_drop 70 % for 60 s on node-1 (datacenter).', {
    faults: [fault('throughput_drop', DC, 140, 60)],
  }),
  scenario(
    'compression-degradation',
    'compression_degradation: ratio forced to 1.2 (from ~4.2) for 60 s on node-2 (internet).',
    { faults: [fault('compression_degradation', NET, 140, 60)] },
  ),
  scenario(
    'consensus-timeouts',
    'consensus_timeouts x5, 50 % of rounds time out, for 60 s on node-3 (hybrid).',
    {
      faults: [fault('consensus_timeouts', HYB, 140, 60)],
    },
  ),
  scenario('byzantine-events', 'byzantine_events 3/s for 60 s on node-2 (internet).', {
    faults: [fault('byzantine_events', NET, 140, 60)],
  }),
  scenario('node-down', 'node_down for 15 s on node-3 (hybrid): scrapes fail, up == 0.', {
    faults: [fault('node_down', HYB, 140, 15)],
  }),
  scenario('memory-leak', 'memory_leak +2 %/s for 30 s on node-1 (memory 42 % -> ~99 %).', {
    faults: [fault('memory_leak', DC, 140, 30)],
  }),
  scenario(
    'v3-regression',
    'v3_regression x3 (v3 migrations and operations) for 60 s on node-1 (datacenter).',
    {
      faults: [fault('v3_regression', DC, 140, 60)],
    },
  ),
  // Milder variants.
  scenario('latency-spike-mild', 'latency_spike x1.5 for 60 s on node-2 (internet).', {
    faults: [fault('latency_spike', NET, 140, 60, 1.5)],
  }),
  scenario('throughput-drop-mild', 'throughput_drop 25 % for 60 s on node-3 (hybrid).', {
    faults: [fault('throughput_drop', HYB, 140, 60, 0.25)],
  }),
  scenario(
    'compression-degradation-mild',
    'compression_degradation: ratio 2.0 (from ~2.6, lz4) for 60 s on node-1 (datacenter).',
    { faults: [fault('compression_degradation', DC, 140, 60, 2)] },
  ),
  scenario('consensus-timeouts-mild', 'consensus_timeouts x2 (50 % of rounds time out) for 60 s on node-1.', {
    faults: [fault('consensus_timeouts', DC, 140, 60, 2)],
  }),
  scenario('memory-leak-slow', 'memory_leak +0.05 %/s for 150 s on node-2: a 7.5-point creep.', {
    faults: [fault('memory_leak', NET, 120, 150, 0.05)],
  }),
  scenario('v3-regression-mild', 'v3_regression x1.5 for 60 s on node-3 (hybrid).', {
    faults: [fault('v3_regression', HYB, 140, 60, 1.5)],
  }),
  // Overlapping faults on different nodes.
  scenario(
    'overlap-latency-throughput',
    'latency_spike x5 on node-1 (140-200 s) overlapping throughput_drop 70 % on node-2 (160-220 s).',
    { faults: [fault('latency_spike', DC, 140, 60), fault('throughput_drop', NET, 160, 60)] },
  ),
  scenario(
    'overlap-three-nodes',
    'consensus_timeouts x5 on node-3 (130-190 s), compression ratio 1.2 on node-1 (145-205 s), memory_leak ' +
      '+0.5 %/s on node-2 (160-200 s): three faults on three nodes, overlapping.',
    {
      faults: [
        fault('consensus_timeouts', HYB, 130, 60),
        fault('compression_degradation', DC, 145, 60, 1.2),
        fault('memory_leak', NET, 160, 40, 0.5),
      ],
    },
  ),
  // Faults at the seasonal peak.
  scenario(
    'peak-throughput-drop-mild',
    'throughput_drop 25 % for 60 s on node-1 starting at the daily peak (daySeconds 640, peak at 160 s).',
    { faults: [fault('throughput_drop', DC, 160, 60, 0.25)], daySeconds: peakAt(160) },
  ),
  scenario(
    'peak-latency-spike-mild',
    'latency_spike x1.5 for 60 s on node-2 starting at the daily peak (daySeconds 640, peak at 160 s).',
    { faults: [fault('latency_spike', NET, 160, 60, 1.5)], daySeconds: peakAt(160) },
  ),
  // Restart with a gap.
  scenario(
    'node-restart',
    'node-2 restarts: down for 5 s at 160 s (node_down), then a fresh process with every counter reset.',
    { faults: [fault('node_down', NET, 160, 5)], restarts: [{ node: NET, atMs: 165 * S }] },
  ),
  // Benign.
  scenario(
    'no-fault-steady',
    'No fault, flat seasonality (real day): the noise-only false-alert control.',
    {},
  ),
  scenario('no-fault-day', 'No fault; one whole daily cycle in the run (daySeconds 300).', {
    daySeconds: SCENARIO_SECONDS,
  }),
  scenario('no-fault-two-days', 'No fault; two daily cycles in the run (daySeconds 150).', {
    daySeconds: SCENARIO_SECONDS / 2,
  }),
  scenario(
    'deploy-latency-improvement',
    'Rolling deploy (node-1 140 s, node-2 160 s, node-3 180 s): link latency -20 % for good.',
    { levelShifts: rollingShift('latency', 0.8, 140) },
  ),
  scenario(
    'deploy-throughput-gain',
    'Rolling deploy (node-1 140 s, node-2 160 s, node-3 180 s): throughput +15 % for good.',
    { levelShifts: rollingShift('throughput', 1.15, 140) },
  ),
  scenario(
    'deploy-small-latency-step',
    'Rolling deploy (node-1 140 s, node-2 160 s, node-3 180 s): latency +2 % for good (within normal variation).',
    { levelShifts: rollingShift('latency', 1.02, 140) },
  ),
  scenario(
    'node-restart-no-gap',
    'node-1 restarts between two scrapes at 180 s: counters reset, no downtime.',
    {
      restarts: [{ node: DC, atMs: 180 * S }],
    },
  ),
]);
