/**
 * `dwcp-monitor generate --out <dir>`: writes Prometheus config and rules (with promtool unit tests),
 * Alertmanager config, Grafana dashboards with provisioning, and runbooks, all derived from the metric catalog.
 */
import { Command } from 'commander';
import { DwcpError, InvalidInputError } from '../../errors.ts';
import {
  DEFAULT_GENERATE_OPTIONS,
  generateAll,
  writeTree,
  type GenerateOptions,
} from '../../generate/index.ts';

interface GenerateFlags {
  out: string;
  runbookBaseUrl: string;
  shards: string;
}

/**
 * Validated options from the flags.
 * @throws InvalidInputError when --shards is not an integer in 1..64.
 */
export function parseGenerateFlags(f: GenerateFlags): GenerateOptions & { out: string } {
  if (!/^\d+$/.test(f.shards.trim()))
    throw new InvalidInputError(`--shards must be an integer, got "${f.shards}"`);
  const shards = Number(f.shards);
  if (shards < 1 || shards > 64) throw new InvalidInputError(`--shards must be in 1..64, got ${shards}`);
  if (f.out.trim() === '') throw new InvalidInputError('--out must name a directory');
  return { out: f.out, runbookBaseUrl: f.runbookBaseUrl, shards };
}

/** The `generate` command (the caller adds it to the program). */
export function generateCommand(): Command {
  return new Command('generate')
    .description(
      'write Prometheus rules and config, Alertmanager config, Grafana dashboards and runbooks generated from the metric catalog',
    )
    .requiredOption('--out <dir>', 'output directory (created; existing files are overwritten)')
    .option(
      '--runbook-base-url <url>',
      'base URL of the runbooks linked from alerts',
      DEFAULT_GENERATE_OPTIONS.runbookBaseUrl,
    )
    .option(
      '--shards <n>',
      'number of Prometheus servers sharing the targets (hashmod)',
      String(DEFAULT_GENERATE_OPTIONS.shards),
    )
    .action((flags: GenerateFlags) => {
      try {
        const o = parseGenerateFlags(flags);
        const files = generateAll(o);
        const written = writeTree(o.out, files);
        const count = (prefix: string) => [...files.keys()].filter((k) => k.startsWith(prefix)).length;
        for (const p of written) process.stdout.write(`wrote ${p}\n`);
        process.stdout.write(
          `${written.length} files: ${count('grafana/dashboards/')} dashboards, ${count('prometheus/rules/')} rule files, ` +
            `${count('runbooks/') - 1} runbooks, Alertmanager config, ${o.shards} Prometheus config(s)\n`,
        );
      } catch (err) {
        if (err instanceof DwcpError) {
          process.stderr.write(`error: ${err.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw err;
      }
    });
}
