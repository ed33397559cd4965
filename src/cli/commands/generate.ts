/**
 * `dwcp-monitor generate --out <dir>`: writes Prometheus config and rules (with promtool unit tests),
 * Alertmanager config, Grafana dashboards with provisioning, and runbooks, all derived from the metric catalog.
 */
import { Command } from 'commander';
import { DwcpError } from '../../errors.ts';
import {
  DEFAULT_GENERATE_OPTIONS,
  generateAll,
  writeTree,
  type GenerateOptions,
} from '../../generate/index.ts';
import { checkOutputDir, parseInteger } from '../flags.ts';

interface GenerateFlags {
  out: string;
  runbookBaseUrl: string;
  shards: string;
}

/** Errors of file writes that mean the --out path cannot be used (exit code 2, like other bad input). */
const PATH_ERRORS = new Set(['ENOTDIR', 'EEXIST', 'EISDIR', 'EACCES', 'EPERM', 'EROFS', 'ENAMETOOLONG']);

/**
 * Validated options from the flags.
 * @throws InvalidInputError when --shards is not an integer in 1..64 or --out cannot be a directory (empty, a
 *   regular file, or under a regular file).
 */
export function parseGenerateFlags(f: GenerateFlags): GenerateOptions & { out: string } {
  const shards = parseInteger('--shards', f.shards, 1, 64);
  return { out: checkOutputDir('--out', f.out), runbookBaseUrl: f.runbookBaseUrl, shards };
}

/** The `generate` command (the caller adds it to the program). */
export function generateCommand(): Command {
  return new Command('generate')
    .summary('write Prometheus, Alertmanager and Grafana configuration and runbooks from the metric catalog')
    .description(
      'Write Prometheus rules and config (with promtool unit tests), Alertmanager config, Grafana dashboards with ' +
        'provisioning, and runbooks, all generated from the metric catalog. Errors print one line and exit with ' +
        'code 2 for bad flags or an unusable --out path, 1 otherwise.',
    )
    .requiredOption(
      '--out <dir>',
      'output directory, created with its parents (existing generated files are overwritten)',
    )
    .option(
      '--runbook-base-url <url>',
      'http(s) base URL of the runbooks linked from alerts (<slug>.md is appended)',
      DEFAULT_GENERATE_OPTIONS.runbookBaseUrl,
    )
    .option(
      '--shards <n>',
      'number of Prometheus servers sharing the targets by hashmod, 1-64',
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
        const code = (err as NodeJS.ErrnoException).code;
        if (err instanceof DwcpError) {
          process.stderr.write(`error: ${err.message}\n`);
          process.exitCode = 2;
        } else if (code !== undefined && PATH_ERRORS.has(code)) {
          process.stderr.write(`error: cannot write under --out '${flags.out}': ${(err as Error).message}\n`);
          process.exitCode = 2;
        } else {
          process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
          process.exitCode = 1;
        }
      }
    });
}
