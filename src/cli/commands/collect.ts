/**
 * `dwcp-monitor collect`: the host collector. Reads CPU, memory, network, disk I/O and filesystems from /proc
 * and statfs every interval, exposes them with node_exporter's names on /metrics for scraping, and/or pushes
 * them to a Pushgateway. Runs until SIGINT/SIGTERM.
 */
import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import { Registry } from 'prom-client';
import { COLLECTORS, HostCollector, type CollectorName } from '../../collector/host-collector.ts';
import { CollectorService } from '../../collector/service.ts';
import { InvalidInputError } from '../../errors.ts';
import { startMetricsServer, type MetricsServer } from '../../sdk/metrics-server.ts';
import { parseDuration } from '../../model/duration.ts';
import { parseHttpUrl, parseList, parsePort } from '../flags.ts';
import { exitCodeFor } from './detect.ts';

interface CollectFlags {
  host: string;
  port: string;
  serve: boolean;
  interval: string;
  pushUrl?: string;
  pushInterval: string;
  job: string;
  instance: string;
  procRoot: string;
  rootfs: string;
  collectors: string;
}

/** Validated settings of `collect`. */
export interface CollectSettings {
  readonly host: string;
  readonly port: number;
  readonly serve: boolean;
  readonly intervalMs: number;
  readonly push:
    | { readonly url: string; readonly intervalMs: number; readonly job: string; readonly instance: string }
    | undefined;
  readonly procRoot: string;
  readonly rootfs: string;
  readonly collectors: readonly CollectorName[];
}

const LABEL_VALUE = /^[^/]+$/;

/**
 * Validates the raw flags.
 * @throws InvalidInputError naming the flag.
 */
export function parseCollectFlags(f: CollectFlags): CollectSettings {
  const intervalMs = parseDuration(f.interval);
  if (intervalMs < 100 || intervalMs > 3_600_000)
    throw new InvalidInputError(`--interval must be 100ms..1h, got '${f.interval}'`);
  const collectors = parseList('--collectors', f.collectors, 'cpu,meminfo');
  for (const c of collectors)
    if (!(COLLECTORS as readonly string[]).includes(c))
      throw new InvalidInputError(`--collectors: unknown collector '${c}'; known: ${COLLECTORS.join(', ')}`);
  let push: CollectSettings['push'];
  if (f.pushUrl !== undefined) {
    const pushIntervalMs = parseDuration(f.pushInterval);
    if (pushIntervalMs < intervalMs)
      throw new InvalidInputError(
        `--push-interval must be at least --interval (${f.interval}), got '${f.pushInterval}'`,
      );
    if (!LABEL_VALUE.test(f.job))
      throw new InvalidInputError(`--job must be a non-empty name without '/', got '${f.job}'`);
    if (!LABEL_VALUE.test(f.instance))
      throw new InvalidInputError(`--instance must be a non-empty name without '/', got '${f.instance}'`);
    push = {
      url: parseHttpUrl('--push-url', f.pushUrl),
      intervalMs: pushIntervalMs,
      job: f.job,
      instance: f.instance,
    };
  }
  if (!f.serve && !push)
    throw new InvalidInputError('--no-serve needs --push-url: the metrics would go nowhere');
  return {
    host: f.host,
    port: parsePort('--port', f.port),
    serve: f.serve,
    intervalMs,
    push,
    procRoot: f.procRoot,
    rootfs: f.rootfs,
    collectors: collectors as CollectorName[],
  };
}

/** The `collect` command. */
export function collectCommand(): Command {
  return new Command('collect')
    .summary('collect host metrics (node_exporter names) for scraping or a Pushgateway')
    .description(
      'Collect CPU, memory, network, disk I/O and filesystem metrics from /proc and statfs every --interval, with ' +
        "node_exporter's metric names and labels, serve them on /metrics (default http://127.0.0.1:9110/metrics) and/or " +
        'push them to a Pushgateway. An unreadable /proc file fails only its collector (node_scrape_collector_success 0, ' +
        'logged once) and the collector keeps running.',
    )
    .option('--host <host>', 'listen address', '127.0.0.1')
    .option('--port <port>', 'listen port 0-65535 (0 = any free port)', '9110')
    .option('--no-serve', 'do not serve /metrics (push only)')
    .option('--interval <d>', 'collection interval, e.g. 1s, 500ms', '1s')
    .option('--push-url <url>', 'Pushgateway base URL, e.g. http://127.0.0.1:9091')
    .option('--push-interval <d>', 'push every, at least --interval', '15s')
    .option('--job <name>', 'Pushgateway job label', 'dwcp-host')
    .option('--instance <name>', 'Pushgateway instance label', hostname())
    .option('--proc-root <dir>', 'proc filesystem root', '/proc')
    .option('--rootfs <dir>', 'prefix of mount points for statfs (node_exporter --path.rootfs)', '/')
    .addOption(
      new Option('--collectors <list>', `comma-separated collectors (${COLLECTORS.join(',')})`).default(
        COLLECTORS.join(','),
      ),
    )
    .action(async (flags: CollectFlags) => {
      let server: MetricsServer | undefined;
      let service: CollectorService | undefined;
      try {
        const s = parseCollectFlags(flags);
        const registry = new Registry();
        const log = (level: 'warn' | 'info', m: string) =>
          process.stderr.write(`${new Date().toISOString()} ${level} ${m}\n`);
        service = new CollectorService({
          collector: new HostCollector({ procRoot: s.procRoot, rootfs: s.rootfs, collectors: s.collectors }),
          registry,
          intervalMs: s.intervalMs,
          ...(s.push
            ? {
                push: {
                  url: s.push.url,
                  job: s.push.job,
                  grouping: { instance: s.push.instance },
                  intervalMs: s.push.intervalMs,
                },
              }
            : {}),
          log,
        });
        if (s.serve)
          server = await startMetricsServer({
            registry,
            host: s.host,
            port: s.port,
            service: 'dwcp-collector',
            ready: () => service!.completedCycles > 0,
          });
        service.start();
        process.stdout.write(
          `collecting every ${flags.interval}${server ? `, serving ${server.url}/metrics` : ''}${s.push ? `, pushing to ${s.push.url} every ${flags.pushInterval}` : ''}\n`,
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
      } catch (e) {
        process.stderr.write(`error: ${(e as Error).message}\n`);
        process.exitCode = exitCodeFor(e);
      } finally {
        await service?.stop();
        await server?.close();
      }
    });
}
