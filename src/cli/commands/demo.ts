/** `dwcp-monitor demo`: simulated cluster + monitor + default fault scenario, with progress and a report. */
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { demoSummaryText } from '../../demo/summary-text.ts';
import { DEMO_DEFAULTS } from '../../demo/defaults.ts';
import { parseDuration } from '../../model/duration.ts';
import { checkOutputFile, parseInteger, parseList, parsePort } from '../flags.ts';
import { exitCodeFor } from './detect.ts';

interface DemoFlags {
  duration?: string;
  report?: string;
  nodes: string;
  regions: string;
  scenario?: string;
  seed: string;
  rolloutPercent: string;
  port: string;
  dataDir: string;
}

/** The `demo` command. */
export function demoCommand(): Command {
  return new Command('demo')
    .summary('simulated cluster + monitor + default fault scenario, with a scored report')
    .description(
      'Start a simulated multi-region DWCP cluster and the monitor together (SQLite under ./data/), inject the ' +
        'default fault scenario, and print the UI address. Runs until Ctrl-C or --duration; on exit prints a summary ' +
        'and writes the JSON report (--report): targets up, series, samples, anomalies with detection delay against ' +
        'the ground-truth labels, precision, recall, alerts delivered, and per fault the samples received and scrapes ' +
        "failed or skipped inside its window ('missed: too few samples' when there were fewer than the detector needs).",
    )
    .option('-d, --duration <duration>', 'stop after this long, e.g. 60s or 10m (default: run until Ctrl-C)')
    .option('-r, --report <file>', 'write the JSON report here on exit (its directory must exist)')
    .option(
      '--nodes <n>',
      'simulated nodes, 1-200 (the built-in scenario needs at least 6)',
      String(DEMO_DEFAULTS.nodes),
    )
    .option(
      '--regions <list>',
      'comma-separated regions, nodes assigned round-robin',
      DEMO_DEFAULTS.regions.join(','),
    )
    .option(
      '--scenario <file>',
      'fault scenario YAML (default: the built-in scenario, scenarios/default.yaml)',
    )
    .option('--seed <n>', `simulator seed, 0-${2 ** 31 - 1}`, String(DEMO_DEFAULTS.seed))
    .option(
      '--rollout-percent <p>',
      'share of migrations on v3, in percent 0-100',
      String(DEMO_DEFAULTS.rolloutPercent),
    )
    .option('--port <port>', 'monitor UI/API port 0-65535, 0 = any free port', String(DEMO_DEFAULTS.port))
    .option('--data-dir <dir>', 'directory for the SQLite file and labels (created)', DEMO_DEFAULTS.dataDir)
    .action(async (f: DemoFlags) => {
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const durationMs = f.duration === undefined ? null : parseDuration(f.duration);
        const regions = parseList('--regions', f.regions, 'us-east,eu-west');
        const reportPath = f.report === undefined ? undefined : checkOutputFile('--report', f.report);
        const nodes = parseInteger('--nodes', f.nodes, 1, 200);
        const seed = parseInteger('--seed', f.seed, 0, 2 ** 31 - 1);
        const rolloutPercent = parseInteger('--rollout-percent', f.rolloutPercent, 0, 100);
        const port = parsePort('--port', f.port);
        // loaded here, not at startup: --help and flag errors need none of the monitor and simulator
        const { runDemo } = await import('../../demo/run.ts');
        const tty = process.stderr.isTTY === true;
        const bar = new cliProgress.SingleBar(
          {
            format:
              durationMs === null
                ? 'demo {elapsed}s | targets up {up}/{targets} | series {series} | samples {samples} | anomalies {anomalies} | faults {faults}'
                : 'demo [{bar}] {value}/{total}s | targets up {up}/{targets} | series {series} | samples {samples} | anomalies {anomalies} | faults {faults}',
            noTTYOutput: !tty,
            notTTYSchedule: 10_000,
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        );
        let barStarted = false;
        const report = await runDemo({
          ...DEMO_DEFAULTS,
          durationMs,
          ...(reportPath ? { reportPath } : {}),
          nodes,
          regions,
          scenarioPath: f.scenario ?? DEMO_DEFAULTS.scenarioPath,
          seed,
          rolloutPercent,
          port,
          dataDir: f.dataDir,
          signal: abort.signal,
          onStarted: ({ ui, nodes, login }) => {
            process.stdout.write(`DWCP Monitor UI: ${ui}\n`);
            process.stdout.write(
              `  log in as ${login.username}; the password is in ${login.passwordFile} (e.g. cat ${login.passwordFile})\n`,
            );
            for (const n of nodes) process.stdout.write(`  ${n.id} (${n.region}, ${n.mode}) ${n.url}\n`);
            process.stdout.write(durationMs === null ? 'Press Ctrl-C to stop and write the report.\n' : '');
          },
          onProgress: ({ elapsedMs, stats, faultsInjected }) => {
            const payload = {
              elapsed: Math.round(elapsedMs / 1000),
              up: stats.targets.filter((t) => t.health === 'up').length,
              targets: stats.targets.length,
              series: stats.series,
              samples: stats.samplesIngested,
              anomalies: stats.anomaliesOpened,
              faults: faultsInjected,
            };
            const total = durationMs === null ? 0 : Math.round(durationMs / 1000);
            if (!barStarted) {
              bar.start(total, 0, payload);
              barStarted = true;
            }
            bar.update(Math.round(elapsedMs / 1000), payload);
          },
        });
        if (barStarted) bar.stop();
        process.stdout.write(demoSummaryText(report, f.report));
      } catch (err) {
        process.stderr.write(`error: ${(err as Error).message}\n`);
        process.exitCode = exitCodeFor(err);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
