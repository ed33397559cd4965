/**
 * A simulated DWCP cluster with no faults, scraped in virtual time into a sample store as `serve` stores it
 * (the monitor's scraper and pipeline, detection off): for tests of what the insight surfaces (SLO, capacity,
 * regional health) report on a healthy cluster. Nodes are those of the labelled-scenario runner (node-1
 * datacenter in us-east, node-2 internet in eu-west, node-3 hybrid in ap-south), ticked and scraped once a second.
 */
import { Scraper } from '../../src/ingest/scraper.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../../src/model/detection-settings.ts';
import { buildPipeline } from '../../src/monitor/build-pipeline.ts';
import type { SampleStore } from '../../src/store/types.ts';
import { createScenarioNode, scenarioNodeSpecs } from '../../src/eval/dwcp/nodes.ts';
import { readExposition } from '../../src/eval/dwcp/sampling.ts';
import { SCENARIO_START_MS, type DwcpScenario } from '../../src/eval/dwcp/scenario.ts';
import type { Sample } from '../../src/model/sample.ts';
import type { ScheduledFault } from '../../src/sim/faults.ts';

/** A healthy cluster being scraped; `advanceTo` runs it up to a number of seconds since its start. */
export interface HealthyCluster {
  readonly startMs: number;
  /** Ticks and scrapes every node once per second up to `seconds` after the start (exclusive); returns the time. */
  advanceTo(seconds: number): Promise<number>;
}

/**
 * Starts a healthy cluster of `nodes` nodes (seed `seed`, real-day seasonality) storing into `store`.
 * @param maxSeconds the longest run (`advanceTo` beyond it throws)
 * @param faults labelled faults to inject (none by default: a healthy cluster)
 */
export function healthyCluster(
  store: SampleStore,
  opts: { nodes?: number; seed?: number; maxSeconds: number; faults?: readonly ScheduledFault[] },
): HealthyCluster {
  const nodes = opts.nodes ?? 3;
  const seed = opts.seed ?? 1;
  const scenario: DwcpScenario = {
    name: opts.faults?.length ? 'faulted' : 'healthy',
    description: opts.faults?.length ? 'labelled faults' : 'no faults',
    nodes,
    durationSeconds: opts.maxSeconds,
    warmupSeconds: 0,
    daySeconds: 86_400,
    faults: opts.faults ?? [],
    levelShifts: [],
    restarts: [],
  };
  const specs = scenarioNodeSpecs(scenario, seed);
  const sims = specs.map((_, i) => createScenarioNode(scenario, seed, i));
  let clockMs = SCENARIO_START_MS;
  const { pipeline } = buildPipeline({
    detection: { ...DEFAULT_DETECTION_SETTINGS, enabled: false },
    store,
    sink: { handle: () => Promise.resolve() },
    clock: () => clockMs,
  });
  const pending: (Sample[] | null)[] = specs.map(() => null);
  const scraper = new Scraper({
    now: () => clockMs,
    onSamples: async (target, samples, _startMs, outcome) => {
      await pipeline.ingest({ target, samples, outcome });
    },
  });
  specs.forEach((sp, i) => {
    scraper.addTarget({
      id: sp.id,
      labels: { instance: `127.0.0.1:${sp.port}`, region: sp.region, node: sp.id },
      source: {
        collect: () => {
          const got = pending[i];
          if (!got) throw new Error('connection refused');
          return got;
        },
      },
    });
  });
  let sec = 0;
  return {
    startMs: SCENARIO_START_MS,
    async advanceTo(seconds) {
      if (seconds > opts.maxSeconds)
        throw new RangeError(`healthy cluster: ${seconds} s is beyond maxSeconds ${opts.maxSeconds}`);
      for (; sec < seconds; sec++) {
        const tickMs = SCENARIO_START_MS + sec * 1000;
        for (const n of sims) n.tick(tickMs);
        clockMs = tickMs + 200;
        for (let i = 0; i < sims.length; i++) {
          pending[i] = await readExposition(sims[i]!, clockMs);
          await scraper.scrapeOnce(specs[i]!.id);
          pending[i] = null;
        }
      }
      return clockMs;
    },
  };
}
