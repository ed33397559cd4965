/** `dwcp-monitor serve`: runs the monitor service until SIGINT/SIGTERM. */
import { Command, Option } from 'commander';
import { logRedaction } from '../../model/redact.ts';
import { monitorLogger, SelfLogSink } from '../../logs/self-log.ts';
import { dirname, resolve } from 'node:path';
import { parseMonitorConfig, readMonitorConfig, type MonitorConfig } from '../../config.ts';
import { InvalidInputError } from '../../errors.ts';
import { resolveSloDefinitions } from '../../monitor/slo-definitions.ts';
import { parseHttpUrl, parseInteger, parsePort } from '../flags.ts';
import { exitCodeFor } from './detect.ts';

/** Raw flag values of `serve`. */
export interface ServeFlags {
  config?: string;
  host?: string;
  port?: string;
  target: string[];
  logLevel: string;
  /** `scrape.shards.count`: replicas sharing the targets. */
  scrapeShards?: string;
  /** `scrape.shards.index`: this replica's shard, 0-based. */
  scrapeShardIndex?: string;
}

/** Most scrape shards (the configuration's bound of `scrape.shards.count`). */
const MAX_SCRAPE_SHARDS = 1000;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Applies command-line overrides on top of a loaded configuration.
 * @throws InvalidInputError naming the flag for a bad --host, --port, --target, --scrape-shards or
 *   --scrape-shard-index, or a shard index not below the shard count (before the configuration schema sees it,
 *   so the message names the flag rather than a config path).
 */
export function withOverrides(base: MonitorConfig, f: ServeFlags): MonitorConfig {
  const raw: Record<string, unknown> = JSON.parse(JSON.stringify(base));
  if (f.host !== undefined && f.host.trim() === '')
    throw new InvalidInputError(`--host must be an address such as 127.0.0.1 or 0.0.0.0, got '${f.host}'`);
  if (f.host !== undefined || f.port !== undefined) {
    raw.listen = {
      host: f.host ?? base.listen.host,
      port: f.port === undefined ? base.listen.port : parsePort('--port', f.port),
    };
  }
  if (f.scrapeShards !== undefined || f.scrapeShardIndex !== undefined) {
    const count =
      f.scrapeShards === undefined
        ? base.scrape.shards.count
        : parseInteger('--scrape-shards', f.scrapeShards, 1, MAX_SCRAPE_SHARDS);
    const index =
      f.scrapeShardIndex === undefined
        ? base.scrape.shards.index
        : parseInteger('--scrape-shard-index', f.scrapeShardIndex, 0, MAX_SCRAPE_SHARDS - 1);
    if (index >= count) {
      const indexFrom = f.scrapeShardIndex === undefined ? 'scrape.shards.index' : '--scrape-shard-index';
      const countFrom = f.scrapeShards === undefined ? 'scrape.shards.count' : '--scrape-shards';
      throw new InvalidInputError(
        `${indexFrom} ${index} must be less than ${countFrom} ${count} (shards are numbered 0..count-1)`,
      );
    }
    raw.scrape = { ...(raw.scrape as Record<string, unknown>), shards: { count, index } };
  }
  if (f.target.length > 0) {
    const extra = f.target.map((url, i) => ({
      id: `target-${i + 1}`,
      url: parseHttpUrl('--target', url),
      labels: {},
    }));
    raw.targets = [...base.targets, ...extra];
  }
  return parseMonitorConfig(raw);
}

/** The `serve` command. */
export function serveCommand(): Command {
  return new Command('serve')
    .summary('run the monitor service (scrape, store, detect, alert, API and web page)')
    .description(
      'Run the monitor: scrape targets (1 s default), store samples (SQLite ./data/dwcp-monitor.db by default), ' +
        'detect anomalies, send Alertmanager-format webhooks, and serve the API and web page (default http://127.0.0.1:9500/).',
    )
    .option(
      '-c, --config <file>',
      'YAML configuration (see examples/monitor.yaml); defaults apply to every missing field; SLOs from its slo section (file or inline list, default the built-in templates)',
    )
    .option('--host <host>', 'listen address, overrides the config (default: 127.0.0.1)')
    .option('--port <port>', 'listen port 0-65535, 0 = any free port; overrides the config (default: 9500)')
    .addOption(
      new Option(
        '--target <url>',
        'extra http(s) scrape target, e.g. http://127.0.0.1:9100/metrics (repeatable)',
      )
        .argParser(collect)
        .default([], 'none'),
    )
    .option(
      '--scrape-shards <count>',
      `replicas sharing the scrape targets, 1-${MAX_SCRAPE_SHARDS}: this one scrapes the targets of its shard (hashmod of the address, as Prometheus); overrides scrape.shards.count (default: 1)`,
    )
    .option(
      '--scrape-shard-index <index>',
      "this replica's shard, 0 to count-1; overrides scrape.shards.index (default: 0)",
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['debug', 'info', 'warn', 'error'])
        .default('info'),
    )
    .action(async (flags: ServeFlags) => {
      try {
        const loaded = flags.config ? readMonitorConfig(flags.config) : null;
        const config = withOverrides(loaded?.config ?? parseMonitorConfig({}), flags);
        // SLO definitions are checked before anything starts; a relative slo.file is resolved next to the config.
        const slos = resolveSloDefinitions(config.slo, {
          baseDir: loaded ? dirname(resolve(loaded.path)) : process.cwd(),
          ...(loaded ? { configName: loaded.path, locate: loaded.locate } : {}),
        });
        const selfLog = new SelfLogSink();
        const logger = monitorLogger({ level: flags.logLevel, redact: logRedaction(), selfLog });
        // loaded here, not at startup: --help and flag errors need none of the monitor
        const { startMonitor } = await import('../../main.ts');
        const monitor = await startMonitor({ config, slos, logger, selfLog });
        process.stdout.write(`DWCP Monitor listening on ${monitor.url} (${config.targets.length} targets)\n`);
        // SIGHUP reloads the alert rule files; a bad file keeps the running rules (the problems are logged).
        const onHup = (): void => {
          try {
            const o = monitor.reloadRules();
            process.stdout.write(
              `alert rules reloaded: ${o.rules.length} rules from ${o.files.length} files\n`,
            );
          } catch (e) {
            process.stderr.write(
              `alert rules not reloaded (the running rules stay): ${(e as Error).message}\n`,
            );
          }
        };
        process.on('SIGHUP', onHup);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        process.off('SIGHUP', onHup);
        process.stdout.write('stopping...\n');
        await monitor.stop();
      } catch (e) {
        process.stderr.write(`error: ${(e as Error).message}\n`);
        process.exitCode = exitCodeFor(e);
      }
    });
}
