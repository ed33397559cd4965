/**
 * `dwcp-monitor rollout status`: fetches GET /api/rollout from a running monitor and prints the GO / CAUTION /
 * NO-GO decision, its drivers and the key numbers (or the raw JSON with --json).
 */
import { Command } from 'commander';
import type { RolloutStatus } from '../../contract/rollout.ts';
import { DEFAULT_MONITOR_URL, monitorFetch, readTokenFile } from '../monitor-client.ts';

/** Where the command writes; defaults to process.stdout / process.stderr. */
export interface RolloutIo {
  out(text: string): void;
  err(text: string): void;
}

/** Request timeout of the CLI. */
const TIMEOUT_MS = 10_000;

const num = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : String(Number(v.toFixed(digits)));
const pct = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(1)} %`;

/** Renders a rollout status as the text the command prints (one block, ends with a newline). */
export function formatRolloutStatus(d: RolloutStatus): string {
  const c = d.comparison;
  const e = d.evidence;
  const min = (ms: number | null): string => (ms === null ? 'n/a' : `${(ms / 60_000).toFixed(1)} min`);
  const lines = [
    `Decision: ${d.decision}${d.forced ? ' (forced by a critical failure)' : ''}`,
    `Score:    ${(d.score * 100).toFixed(1)} / 100 (SLA ${d.slaScore === null ? 'n/a' : (d.slaScore * 100).toFixed(1)}, canary ${d.canaryScore === null ? 'n/a' : (d.canaryScore * 100).toFixed(1)})`,
    `Rollout:  ${d.rolloutPercent === null ? 'unknown' : `${num(d.rolloutPercent, 1)} %`} of migrations on v3`,
    `Stage:    since ${new Date(e.stageStartMs).toISOString()}${e.startObserved ? '' : ' or earlier'}, ${
      // the time alone would pass an empty look-back off as evidence
      e.metrics.every((m) => m.v1Events + m.v3Events === 0)
        ? 'no migrations seen in this stage yet'
        : `${min(e.elapsedMs)} of evidence`
    }; ${
      e.firstDecision === null
        ? 'no decision yet'
        : `first ${e.firstDecision.decision} after ${min(e.firstDecision.afterMs)}`
    }`,
    `Evidence: GO when every metric is at most ${e.marginPercent} % worse, NO-GO on a regression beyond ${e.thresholdPercent} % (${((1 - e.alpha) * 100).toFixed(0)} % always-valid bounds)`,
    ...e.metrics.map(
      (m) =>
        `  ${m.metric.padEnd(20)} ${m.state.padEnd(12)} ${pct(m.degradationPercent)} worse [${pct(m.lowerPercent)}, ${pct(m.upperPercent)}]  v1 ${num(m.v1Events, 0)} / v3 ${num(m.v3Events, 0)} events` +
        (m.needed !== null && m.needed.moreMs !== null
          ? `  GO in ~${min(m.needed.moreMs)} at this rate`
          : ''),
    ),
    `Window:   ${new Date(d.window.startMs).toISOString()} .. ${new Date(d.window.endMs).toISOString()}`,
    '',
    `Migration time  v1 median ${num(c.v1.migrationMedianSeconds)} s  v3 median ${num(c.v3.migrationMedianSeconds)} s  speedup ${num(c.migrationSpeedup)}x (mean time ratio)  (${d.samples.v1Migrations} v1 / ${d.samples.v3Migrations} v3 intervals)`,
    `Migration p95   v1 ${num(c.v1.latencyP95Seconds)} s  v3 ${num(c.v3.latencyP95Seconds)} s  improvement ${pct(c.latencyP95ImprovementPercent)}`,
    `Compression     v1 median ${num(c.v1.compressionMedian)}x  v3 median ${num(c.v3.compressionMedian)}x  improvement ${pct(c.compressionImprovementPercent)}`,
    `Figures         throughput ${pct(c.throughputImprovementPercent)}  CPU ${pct(c.cpuImprovementPercent)}  memory ${pct(c.memoryImprovementPercent)}  bandwidth saved ${c.bandwidthSavedPercent === null ? 'n/a' : `${c.bandwidthSavedPercent.toFixed(1)} %`}`,
    ...d.figures.perVersion.map(
      (f) =>
        `  ${f.figure.padEnd(16)}` +
        (f.state === 'measured'
          ? `v1 ${num(f.v1Mean)} v3 ${num(f.v3Mean)} ${f.unit}  v3 ${pct(f.improvementPercent)} better [${pct(f.lowerPercent)}, ${pct(f.upperPercent)}] (${(f.confidence * 100).toFixed(0)} %, ${f.baselineNodes > 0 ? `${f.baselineNodes} nodes against their own v1 baseline` : `${f.strata} nodes`})`
          : `insufficient data: ${f.missing}`),
    ),
    ...d.figures.notes.map((n) => `  note: ${n}`),
    '',
    'Drivers:',
    ...(d.drivers.length === 0 ? ['  (none)'] : d.drivers.map((x) => `  [${x.effect}] ${x.text}`)),
    '',
    'SLA checks:',
    ...(d.sla.length === 0
      ? ['  (no SLA compliance data stored)']
      : d.sla.map((s) => {
          const r = typeof s.compliance === 'boolean' ? (s.compliance ? 1 : 0) : s.compliance;
          const target = s.target ?? 1;
          return `  ${s.name}: ${(r * 100).toFixed(2)} % (target ${(target * 100).toFixed(0)} %) ${r >= target ? 'met' : 'NOT MET'}`;
        })),
  ];
  for (const w of d.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}

/**
 * Fetches GET {url}/api/rollout, sending `token` (an API or session token, docs/security.md) as
 * `Authorization: Bearer` when given.
 * @throws Error with a readable message when the monitor is unreachable, times out, answers non-2xx (its
 *   `error` text; on 401 with how to pass a token) or with a body that is not a rollout status.
 */
export async function fetchRolloutStatus(
  url: string,
  window?: string,
  token?: string,
): Promise<RolloutStatus> {
  const query = window === undefined ? '' : `?${new URLSearchParams({ window }).toString()}`;
  const res = await monitorFetch({
    url,
    path: `/api/rollout${query}`,
    role: 'viewer',
    timeoutMs: TIMEOUT_MS,
    ...(token === undefined ? {} : { token }),
  });
  const body = (await res.json().catch(() => null)) as { status?: string; data?: RolloutStatus } | null;
  if (body?.status !== 'success' || typeof body.data?.decision !== 'string')
    throw new Error('monitor answered with an unexpected body');
  return body.data;
}

interface RawOptions {
  url: string;
  window?: string;
  tokenFile?: string;
  json?: boolean;
}

/**
 * The `rollout` command with its `status` subcommand. Errors print `error: <message>` to stderr and set
 * `process.exitCode` to 1 (the monitor unreachable, an HTTP error, a bad --url, an unreadable --token-file).
 */
export function rolloutCommand(io?: RolloutIo): Command {
  const w: RolloutIo = io ?? { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
  const cmd = new Command('rollout')
    .summary('v1 → v3 rollout analysis of a running monitor')
    .description('Rollout analysis (GO / CAUTION / NO-GO) served by a running monitor.');
  cmd
    .command('status')
    .description('Print the rollout decision, its drivers and the key v1/v3 numbers (GET /api/rollout).')
    .option('--url <url>', 'monitor base URL', DEFAULT_MONITOR_URL)
    .option('--window <duration>', 'analysis window, e.g. 10m, 1h (default: the server default, 10m)')
    .option(
      '--token-file <file>',
      'file holding an API token (viewer role) or session token, sent as Authorization: Bearer (the monitor needs one unless auth.mode is disabled)',
    )
    .option('--json', 'print the raw JSON data')
    .action(async (raw: RawOptions) => {
      try {
        const token = raw.tokenFile === undefined ? undefined : readTokenFile(raw.tokenFile);
        const d = await fetchRolloutStatus(raw.url, raw.window, token);
        w.out(raw.json ? JSON.stringify(d, null, 2) + '\n' : formatRolloutStatus(d));
      } catch (e) {
        w.err(`error: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 1;
      }
    });
  return cmd;
}
