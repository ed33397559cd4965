/**
 * A simulated DWCP cluster: N nodes spread round-robin over regions, each serving its own metrics on
 * 127.0.0.1, ticked by one timer, with faults injected from a scenario and ground-truth labels written.
 */
import type { Registry } from 'prom-client';
import { InvalidInputError } from '../errors.ts';
import type { MetricsServerRoute } from '../sdk/metrics-server.ts';
import type { FaultLabel } from '../model/anomaly.ts';
import type { Mode } from '../model/dwcp.ts';
import type { MigrationTraceInput } from '../sdk/migration-tracing.ts';
import type { ScheduledFault } from './faults.ts';
import { faultLabel, LabelWriter } from './labels.ts';
import type { SimNode } from './node.ts';
import type { Scenario } from './scenario.ts';
import { createSimNode, deriveNodes } from './topology.ts';
import { ClusterLogging, type ClusterLoggingOptions } from './logging.ts';
import { ClusterTracing, type ClusterTracingOptions } from './tracing.ts';

/** Most nodes one cluster may run (each is an HTTP server and a registry). */
export const MAX_NODES = 200;

export interface ClusterOptions {
  /** Number of nodes, 1..MAX_NODES. */
  readonly nodes: number;
  /** Region names (non-empty, distinct); nodes are assigned round-robin. */
  readonly regions: readonly string[];
  /** First port; node i listens on portBase + i. 0 = ephemeral ports. */
  readonly portBase: number;
  /** Listen address; default 127.0.0.1. */
  readonly host?: string;
  /** Faults to inject; default none. */
  readonly scenario?: Scenario;
  /** PRNG seed; default 1. */
  readonly seed?: number;
  /** Share of v3 migrations in percent; default 25. */
  readonly rolloutPercent?: number;
  /** Tick interval in ms; default 1000. */
  readonly tickMs?: number;
  /** Seasonality period in seconds; default 86400. */
  readonly daySeconds?: number;
  /** When set, ground-truth labels are written there (JSON lines). */
  readonly labelsOut?: string;
  /** Milliseconds clock; default Date.now. */
  readonly clock?: () => number;
  /** Start the tick timer (default true); tests set false and call `tick()` themselves. */
  readonly autoTick?: boolean;
  /** Receives warnings; default console.warn. */
  readonly warn?: (message: string) => void;
  /** Trace every migration (one trace per migration across source and destination node); default off. */
  readonly tracing?: ClusterTracingOptions;
  /** Log every node's migrations, transfer timeouts and retries, failures and mode switches (pino → OTel logs); default off. */
  readonly logging?: ClusterLoggingOptions;
  /** Extra GET routes every node's metrics server answers (e.g. /debug/pprof/profile); default none. */
  readonly serverRoutes?: ReadonlyMap<string, MetricsServerRoute>;
  /** Registers extra metrics in every node's registry (e.g. the Node.js runtime metrics); default none. */
  readonly attachRegistry?: (registry: Registry) => void;
}

export interface ClusterNodeInfo {
  readonly id: string;
  readonly region: string;
  readonly url: string;
  readonly port: number;
  readonly mode: string;
}

export interface Cluster {
  readonly nodes: readonly ClusterNodeInfo[];
  /** The simulated nodes (for tests and the demo). */
  readonly sim: readonly SimNode[];
  /** Simulation start (Unix ms); scenario times are relative to it. */
  readonly startMs: number;
  /** Labels of the faults injected so far. */
  readonly labels: readonly FaultLabel[];
  /** The nodes' tracers when tracing is on. */
  readonly tracing: ClusterTracing | undefined;
  /** The nodes' loggers when logging is on. */
  readonly logging: ClusterLogging | undefined;
  /** Advances every node to `nowMs` (default: the clock) and injects faults that started. */
  tick(nowMs?: number): void;
  /** Stops the timer and every server, then flushes and shuts the tracers down. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the cluster: creates the nodes, binds their servers (node-i on portBase + i - 1, or ephemeral),
 * runs one tick immediately and then every `tickMs`.
 * @throws InvalidInputError on bad options (nodes, regions, ports, rollout, tick, day length, scenario nodes);
 *   ConfigError when the labels file cannot be written; the listen error (EADDRINUSE) after closing the
 *   servers already started.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const n = options.nodes;
  if (!Number.isInteger(n) || n < 1 || n > MAX_NODES)
    throw new InvalidInputError(`nodes must be an integer in 1..${MAX_NODES}, got ${n}`);
  const regions = options.regions;
  if (regions.length === 0 || regions.some((r) => !/^[A-Za-z0-9_.-]+$/.test(r))) {
    throw new InvalidInputError(
      `regions must be a non-empty list of names made of letters, digits, _ . -, got ${JSON.stringify(regions)}`,
    );
  }
  if (new Set(regions).size !== regions.length)
    throw new InvalidInputError(`regions must be distinct, got ${regions.join(',')}`);
  const portBase = options.portBase;
  if (
    !Number.isInteger(portBase) ||
    portBase < 0 ||
    (portBase > 0 && (portBase < 1024 || portBase + n - 1 > 65535))
  ) {
    throw new InvalidInputError(
      `port base must be 0 (ephemeral) or in 1024..${65535 - n + 1} for ${n} nodes, got ${portBase}`,
    );
  }
  const tickMs = options.tickMs ?? 1000;
  if (!Number.isFinite(tickMs) || tickMs < 10 || tickMs > 3_600_000)
    throw new InvalidInputError(`tick must be 10 ms .. 1 h, got ${tickMs}`);
  const rollout = options.rolloutPercent ?? 25;
  const daySeconds = options.daySeconds ?? 86400;
  const faults: readonly ScheduledFault[] = options.scenario?.faults ?? [];
  for (const f of faults) {
    if (f.node < 0 || f.node >= n)
      throw new InvalidInputError(
        `scenario fault ${f.kind} targets node index ${f.node}, but the cluster has ${n} nodes`,
      );
  }
  const clock = options.clock ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const seed = options.seed ?? 1;
  const startMs = clock();
  const labelWriter = options.labelsOut ? new LabelWriter(options.labelsOut) : undefined;

  const specs = deriveNodes(n, regions, seed, portBase);
  const tracing = options.tracing ? new ClusterTracing(specs, options.tracing) : undefined;
  const logging = options.logging ? new ClusterLogging(specs, options.logging) : undefined;
  const trace = logging
    ? (m: MigrationTraceInput) => {
        const carrier = tracing?.record(m);
        logging.migration(m, carrier);
        return carrier;
      }
    : tracing?.sink;
  const sims: SimNode[] = specs.map((spec) =>
    createSimNode(spec, {
      rolloutPercent: rollout,
      daySeconds,
      startMs,
      faults,
      warn,
      ...(trace ? { trace } : {}),
      ...(logging
        ? {
            onModeSwitch: (from: Mode, to: Mode, nowMs: number) =>
              logging.modeSwitch(spec.id, from, to, nowMs),
          }
        : {}),
    }),
  );

  for (const s of sims) {
    s.serverRoutes = options.serverRoutes;
    options.attachRegistry?.(s.registry);
  }
  try {
    for (let i = 0; i < sims.length; i++) await sims[i]!.listen(host, specs[i]!.port);
  } catch (e) {
    await Promise.all(sims.map((s) => s.close()));
    await tracing?.shutdown(warn);
    await logging?.shutdown(warn);
    throw e;
  }

  const labels: FaultLabel[] = [];
  const injected = new Set<ScheduledFault>();
  const tick = (nowMs: number = clock()): void => {
    const rel = nowMs - startMs;
    for (const f of faults) {
      if (!injected.has(f) && rel >= f.startMs) {
        injected.add(f);
        const node = sims[f.node]!;
        const label = faultLabel(f, node.id, node.region, startMs);
        labels.push(label);
        labelWriter?.write(label);
      }
    }
    for (const s of sims) s.tick(nowMs);
  };

  tick(startMs);
  let timer: NodeJS.Timeout | undefined;
  if (options.autoTick ?? true) {
    timer = setInterval(() => {
      try {
        tick();
      } catch (e) {
        warn(`simulation tick failed: ${(e as Error).message}`);
      }
    }, tickMs);
  }

  let stopping: Promise<void> | undefined;
  return {
    nodes: sims.map((s) => ({
      id: s.id,
      region: s.region,
      port: s.port,
      url: `http://${host.includes(':') ? `[${host}]` : host}:${s.port}`,
      mode: s.profile.linkClass,
    })),
    sim: sims,
    startMs,
    tracing,
    logging,
    labels,
    tick,
    stop() {
      stopping ??= (async () => {
        if (timer) clearInterval(timer);
        await Promise.all(sims.map((s) => s.close()));
        await tracing?.shutdown(warn);
        await logging?.shutdown(warn);
      })();
      return stopping;
    },
  };
}
