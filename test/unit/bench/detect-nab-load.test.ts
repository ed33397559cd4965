/**
 * `bench:detect` reads the NAB corpus only when its NAB part runs: `--skip nab` needs no NAB directory (the cost
 * part streams the labelled corpus instead), and a run that needs NAB and cannot find it says which variable to set.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseDetectArgs, type DetectArgs } from '../../../bench/detect-args.ts';
import { costData, measureCost, anchorRate } from '../../../bench/detect-cost.ts';
import { loadNabIfNeeded } from '../../../bench/detect-nab-load.ts';
import { InvalidInputError } from '../../../src/errors.ts';
import { loadNabCorpus } from '../../../src/eval/nab-data.ts';

const empty = mkdtempSync(join(tmpdir(), 'dwcp-no-nab-'));
after(() => rmSync(empty, { recursive: true, force: true }));

const args = (argv: string[]) => parseDetectArgs(argv) as DetectArgs;

describe('bench:detect without NAB', () => {
  it('--skip nab reads nothing', async () => {
    let calls = 0;
    const corpus = await loadNabIfNeeded(args(['--skip', 'nab']).skip, () => {
      calls++;
      return loadNabCorpus(empty);
    });
    assert.equal(corpus, null);
    assert.equal(calls, 0);
  });

  it('a run with the NAB part and no NAB directory fails naming DWCP_NAB_DIR and --skip nab', async () => {
    await assert.rejects(
      loadNabIfNeeded(args([]).skip, () => loadNabCorpus(join(empty, 'missing'))),
      (e: unknown) =>
        e instanceof InvalidInputError &&
        /Set DWCP_NAB_DIR to the NAB directory/.test(e.message) &&
        /--skip nab/.test(e.message) &&
        e.message.includes(join(empty, 'missing')),
    );
  });

  it('the cost part measures on the labelled corpus with its anchor on the same values', () => {
    const data = costData(null);
    assert.match(data.name, /labelled corpus/);
    assert.ok(data.files.length > 0 && data.files.every((f) => f.rows === f.values.length && f.rows >= 5000));
    const anchor = anchorRate(data, 5);
    assert.ok(anchor > 0);
    let n = 0;
    const r = measureCost(
      data,
      'count',
      () =>
        ({
          update: () => ({ score: ++n, anomalous: false, confidence: 0, warmingUp: false }),
          stateBytes: () => 8,
        }) as never,
      anchor,
      5,
      10_000,
    );
    assert.equal(r.data, data.name);
    assert.equal(r.stateBytes, 8);
    assert.ok(r.samplesPerSecond > 0 && n >= 10_000);
  });
});
