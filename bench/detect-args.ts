/**
 * Command-line options of `npm run bench:detect` (bench/detect.ts): parsing, checking and the `--help` text.
 * Errors are `InvalidInputError`s that name the option, the accepted values and the value given; an unknown
 * option is one of them.
 */
import { parseArgs } from 'node:util';
import { parseInteger, parseList } from '../src/cli/flags.ts';
import { InvalidInputError } from '../src/errors.ts';

/** The parts of the benchmark `--skip` can leave out. */
export const DETECT_PARTS = ['nab', 'dwcp', 'cost', 'corpus'] as const;
export type DetectPart = (typeof DETECT_PARTS)[number];

/** Parsed options. */
export interface DetectArgs {
  /** Substring of the detector names to run (all when undefined). */
  readonly only: string | undefined;
  readonly skip: ReadonlySet<DetectPart>;
  /** Seeds per DWCP scenario. */
  readonly seeds: number;
  /** First DWCP seed: the scenarios run with seeds firstSeed .. firstSeed + seeds − 1. */
  readonly firstSeed: number;
  /** Wall time per detector of the cost measurement, ms. */
  readonly costMs: number;
}

const DEFAULTS = { seeds: 3, firstSeed: 1, costMs: 1500 } as const;

/** `items` joined with commas into lines of at most `width` characters, each after `indent`. */
function wrap(items: readonly string[], indent: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const [i, item] of items.entries()) {
    const piece = i < items.length - 1 ? `${item},` : item;
    if (line !== '' && indent.length + line.length + 1 + piece.length > width) {
      lines.push(line);
      line = piece;
    } else line = line === '' ? piece : `${line} ${piece}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

/** The `--help` text, listing the detectors `--only` can pick from. */
export function detectUsage(detectors: readonly string[]): string {
  return `Usage: npm run bench:detect -- [options]

Measures every anomaly detector: NAB scores (live and published rules), the DWCP labelled scenarios of the
simulator through the monitor's detection engine, cost per sample and state per series, and the labelled corpus.
Tables go to stdout, progress to stderr, JSON to bench/results/detect.json. NAB data: DWCP_NAB_DIR
(default ../shared/datasets/nab), read only for the NAB part: with --skip nab no NAB directory is needed and
the cost part streams the labelled corpus (its anchor measured on the same values).

Options:
  --only <text>     run only the detectors whose name contains <text> (default: all). Detectors:
${wrap(detectors, '                    ', 110)}
  --skip <list>     comma-separated parts to leave out: ${DETECT_PARTS.join(', ')} (default: none)
  --seeds <n>       seeds per DWCP scenario, 1..100 (default ${DEFAULTS.seeds})
  --first-seed <n>  first DWCP seed, 1..1000000000 (default ${DEFAULTS.firstSeed}): seeds n .. n + seeds - 1, e.g. seeds no
                    tuning has seen
  --cost-ms <ms>    wall time per detector of the cost measurement, milliseconds, 100..60000 (default ${DEFAULTS.costMs})
  --help            this text

Run it with nice: the whole benchmark takes tens of minutes on one core.`;
}

/**
 * Parses `argv` (without the node and script paths); 'help' for `--help`.
 * @throws InvalidInputError for an unknown option, a missing value or a value out of range.
 */
export function parseDetectArgs(argv: readonly string[]): DetectArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        only: { type: 'string' },
        skip: { type: 'string' },
        seeds: { type: 'string', default: String(DEFAULTS.seeds) },
        'first-seed': { type: 'string', default: String(DEFAULTS.firstSeed) },
        'cost-ms': { type: 'string', default: String(DEFAULTS.costMs) },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    throw new InvalidInputError((e as Error).message);
  }
  if (values.help === true) return 'help';
  const skip = new Set<DetectPart>();
  if (values.skip !== undefined) {
    for (const part of parseList('--skip', values.skip, DETECT_PARTS.join(','))) {
      if (!(DETECT_PARTS as readonly string[]).includes(part))
        throw new InvalidInputError(`--skip takes ${DETECT_PARTS.join(', ')}, got '${part}'`);
      skip.add(part as DetectPart);
    }
  }
  if (values.only !== undefined && values.only.trim() === '')
    throw new InvalidInputError('--only must not be empty');
  return {
    only: values.only,
    skip,
    seeds: parseInteger('--seeds', values.seeds!, 1, 100),
    firstSeed: parseInteger('--first-seed', values['first-seed']!, 1, 1_000_000_000),
    costMs: parseInteger('--cost-ms', values['cost-ms']!, 100, 60_000),
  };
}
