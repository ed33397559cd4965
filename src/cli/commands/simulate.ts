/**
 * `dwcp-monitor simulate`: runs a simulated DWCP cluster whose nodes serve /metrics, /health and /ready on
 * 127.0.0.1, with faults from a scenario file and ground-truth labels.
 */
import { Command } from 'commander';
import { DwcpError, InvalidInputError } from '../../errors.ts';
import { HEAD_SAMPLERS, isHeadSamplerName, type HeadSamplerName } from '../../sdk/head-sampler.ts';
import { createOtlpTraceExporter, OTLP_PROTOCOLS, type OtlpProtocol } from '../../sdk/otlp-exporter.ts';
import { loadScenario, type Scenario } from '../../sim/scenario.ts';
import { parseDuration, timerSafe } from '../../model/duration.ts';
import { checkOutputFile, parseInteger, parseList, parseNumber } from '../flags.ts';

interface SimulateFlags {
  nodes: string;
  regions: string;
  portBase: string;
  scenario?: string;
  labelsOut?: string;
  seed: string;
  rolloutPercent: string;
  duration?: string;
  daySeconds: string;
  tick: string;
  otlpEndpoint?: string;
  otlpProtocol: string;
  traceSampleRatio: string;
  traceSampler: string;
}

/** Parsed and validated flags of `simulate`. */
export interface SimulateSettings {
  readonly nodes: number;
  readonly regions: readonly string[];
  readonly portBase: number;
  readonly scenarioPath: string | undefined;
  readonly labelsOut: string | undefined;
  readonly seed: number;
  readonly rolloutPercent: number;
  /** Run time in ms; undefined = until SIGINT/SIGTERM. */
  readonly durationMs: number | undefined;
  readonly daySeconds: number;
  readonly tickMs: number;
  /** Where the nodes export their migration traces (OTLP/HTTP traces URL); undefined = no tracing. */
  readonly otlpEndpoint: string | undefined;
  readonly otlpProtocol: OtlpProtocol;
  /** Head sampling ratio of new traces, 0..1. */
  readonly traceSampleRatio: number;
  /** Head sampler of the nodes (`OTEL_TRACES_SAMPLER` names). */
  readonly traceSampler: HeadSamplerName;
}

/**
 * Validates the raw flag strings of `simulate`.
 * @throws InvalidInputError naming the flag.
 */
export function parseSimulateFlags(f: SimulateFlags): SimulateSettings {
  const regions = parseList('--regions', f.regions, 'us-east,eu-west');
  // --duration becomes a setTimeout delay (waitForStop), so it must fit a timer.
  const durationMs =
    f.duration === undefined ? undefined : timerSafe(parseDuration(f.duration), '--duration');
  if (durationMs !== undefined && durationMs <= 0) throw new InvalidInputError('--duration must be > 0');
  return {
    nodes: parseInteger('--nodes', f.nodes, 1, 200),
    regions,
    portBase: parseInteger('--port-base', f.portBase, 0, 65535),
    scenarioPath: f.scenario,
    labelsOut: f.labelsOut === undefined ? undefined : checkOutputFile('--labels-out', f.labelsOut),
    seed: parseInteger('--seed', f.seed, 0, 2 ** 32 - 1),
    rolloutPercent: parseNumber('--rollout-percent', f.rolloutPercent, 0, 100),
    durationMs,
    daySeconds: parseNumber('--day-seconds', f.daySeconds, 1, 365 * 86400),
    tickMs: parseDuration(f.tick),
    otlpEndpoint: f.otlpEndpoint === undefined ? undefined : parseOtlpEndpoint(f.otlpEndpoint),
    otlpProtocol: parseOtlpProtocol(f.otlpProtocol),
    traceSampleRatio: parseNumber('--trace-sample-ratio', f.traceSampleRatio, 0, 1),
    traceSampler: parseHeadSampler(f.traceSampler),
  };
}

function parseHeadSampler(v: string): HeadSamplerName {
  if (isHeadSamplerName(v)) return v;
  throw new InvalidInputError(
    `--trace-sampler must be one of ${HEAD_SAMPLERS.join(', ')}, got ${JSON.stringify(v)}`,
  );
}

function parseOtlpEndpoint(v: string): string {
  try {
    const u = new URL(v);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.href;
  } catch {
    // reported below
  }
  throw new InvalidInputError(
    `--otlp-endpoint must be an http(s) URL such as http://127.0.0.1:9500/v1/traces, got ${JSON.stringify(v)}`,
  );
}

function parseOtlpProtocol(v: string): OtlpProtocol {
  const p = OTLP_PROTOCOLS.find((x) => x === v);
  if (p === undefined)
    throw new InvalidInputError(
      `--otlp-protocol must be one of ${OTLP_PROTOCOLS.join(', ')}, got ${JSON.stringify(v)}`,
    );
  return p;
}

/** Where the command writes (injectable for tests; default process.stdout / process.stderr). */
export interface SimulateIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Resolves after `ms` (if given) or on SIGINT/SIGTERM, whichever comes first; removes its listeners. */
function waitForStop(ms: number | undefined): Promise<string> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (why: string): void => {
      if (timer) clearTimeout(timer);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(why);
    };
    const onInt = (): void => done('SIGINT');
    const onTerm = (): void => done('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    if (ms !== undefined) timer = setTimeout(() => done('duration'), ms);
  });
}

/**
 * The `simulate` command (commander 14). Prints one line per node (id, region, link class, metrics URL), runs
 * until SIGINT/SIGTERM or --duration, then stops every server. Bad flags or scenario: `error: ...` on stderr
 * and exit code 2; a port in use: exit code 1. Never calls process.exit.
 */
export function simulateCommand(
  io: SimulateIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
): Command {
  return new Command('simulate')
    .summary('run a simulated DWCP cluster with fault injection and ground-truth labels')
    .description(
      'Run a simulated DWCP cluster; each node serves /metrics, /health and /ready on 127.0.0.1. Faults from --scenario are injected at their times and written as ground-truth labels to --labels-out.',
    )
    .option('--nodes <n>', 'number of nodes, 1-200', '6')
    .option(
      '--regions <list>',
      'comma-separated regions, nodes assigned round-robin',
      'us-east,eu-west,ap-south',
    )
    .option(
      '--port-base <port>',
      'first port 0-65535 (node-i uses port-base + i - 1; 0 = any free ports)',
      '9100',
    )
    .option('--scenario <file.yaml>', 'fault scenario (YAML); default: no faults')
    .option('--labels-out <file.jsonl>', 'write one ground-truth label per injected fault (JSON lines)')
    .option('--seed <n>', `random seed, 0-${2 ** 32 - 1}`, '1')
    .option('--rollout-percent <p>', 'share of migrations done with v3, in percent 0-100', '25')
    .option('--duration <d>', 'stop after this long, e.g. 90s, 10m, 1h30m (default: until Ctrl-C)')
    .option(
      '--day-seconds <s>',
      'length of a simulated day in seconds (sets the seasonality period)',
      '86400',
    )
    .option('--tick <d>', 'telemetry tick interval, e.g. 500ms, 1s', '1s')
    .option(
      '--otlp-endpoint <url>',
      'export a trace per migration to this OTLP/HTTP traces URL (the monitor: http://127.0.0.1:9500/v1/traces, which needs an ingest API token: set OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>; a Collector, Jaeger or Tempo); default: no tracing',
    )
    .option('--otlp-protocol <p>', `OTLP encoding: ${OTLP_PROTOCOLS.join(' or ')}`, 'http/protobuf')
    .option('--trace-sample-ratio <r>', 'share 0-1 of migrations traced by the *traceidratio samplers', '1')
    .option(
      '--trace-sampler <name>',
      `head sampler of the nodes (OTEL_TRACES_SAMPLER names): ${HEAD_SAMPLERS.join(', ')}`,
      'parentbased_traceidratio',
    )
    .action(async (flags: SimulateFlags) => {
      let settings: SimulateSettings;
      let scenario: Scenario | undefined;
      try {
        settings = parseSimulateFlags(flags);
        scenario = settings.scenarioPath ? loadScenario(settings.scenarioPath, settings.nodes) : undefined;
      } catch (e) {
        if (!(e instanceof DwcpError)) throw e;
        io.err(`error: ${e.message}\n`);
        process.exitCode = 2;
        return;
      }
      // loaded here, not at startup: --help and flag errors need none of the simulator and its instrumentation
      const [{ startCluster }, { instrumentedNodeOptions }] = await Promise.all([
        import('../../sim/cluster.ts'),
        import('../../compose/ops.ts'),
      ]);
      let cluster;
      try {
        cluster = await startCluster({
          nodes: settings.nodes,
          regions: settings.regions,
          portBase: settings.portBase,
          scenario,
          seed: settings.seed,
          rolloutPercent: settings.rolloutPercent,
          tickMs: settings.tickMs,
          daySeconds: settings.daySeconds,
          labelsOut: settings.labelsOut,
          ...(settings.otlpEndpoint !== undefined
            ? {
                tracing: {
                  exporter: () =>
                    createOtlpTraceExporter({ url: settings.otlpEndpoint!, protocol: settings.otlpProtocol }),
                  sampleRatio: settings.traceSampleRatio,
                  sampler: settings.traceSampler,
                },
              }
            : {}),
          ...instrumentedNodeOptions(),
        });
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        io.err(`error: ${err.message}\n`);
        process.exitCode = e instanceof DwcpError ? 2 : 1;
        return;
      }
      for (const n of cluster.nodes) io.out(`${n.id}\t${n.region}\t${n.mode}\t${n.url}/metrics\n`);
      if (settings.otlpEndpoint !== undefined)
        io.out(`traces: ${settings.otlpProtocol} -> ${settings.otlpEndpoint}\n`);
      if (scenario)
        io.out(
          `scenario: ${scenario.faults.length} fault(s)${settings.labelsOut ? `, labels -> ${settings.labelsOut}` : ''}\n`,
        );
      const why = await waitForStop(settings.durationMs);
      await cluster.stop();
      io.out(`stopped (${why})\n`);
    });
}
