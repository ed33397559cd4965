/**
 * The NAB corpus for `npm run bench:detect`, loaded only when the run has a part that reads it (the NAB part;
 * `--skip nab` runs need no NAB directory: the cost part then streams the labelled corpus, bench/detect-cost.ts).
 */
import { ConfigError, InvalidInputError } from '../src/errors.ts';
import { loadNabCorpus, type NabCorpus } from '../src/eval/nab-data.ts';
import type { DetectPart } from './detect-args.ts';

/**
 * The NAB corpus when `skip` does not leave NAB out, else null (nothing is read).
 * @throws InvalidInputError when NAB is asked for and its directory is missing or incomplete: the message names
 *   the loader's reason (with the directory looked in), the variable to set (DWCP_NAB_DIR) and `--skip nab`.
 */
export async function loadNabIfNeeded(
  skip: ReadonlySet<DetectPart>,
  load: () => Promise<NabCorpus> = () => loadNabCorpus(),
): Promise<NabCorpus | null> {
  if (skip.has('nab')) return null;
  try {
    return await load();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new InvalidInputError(
      `the NAB part needs the NAB corpus: ${e.message}. Set DWCP_NAB_DIR to the NAB directory (data/, ` +
        'labels/combined_windows.json, reference-results/), or leave NAB out with --skip nab',
      { cause: e },
    );
  }
}
