/**
 * Can the `full` detector's extra members (CAD OSE, KNN-CAD) be made cheap enough for live use? Runs each member
 * alone over NAB under live rules with its memory bounded (CAD OSE: contexts, semi-contexts and the live range's
 * ring of values; KNN-CAD: probation P, lag L and k, its state is the last 2P − 1 values and their lag vectors)
 * and reports its NAB score (standard, low FP, LOCO), the largest state a series reached and the CPU time per
 * sample — against the live budget of ≤ 2 µs per sample and ≤ 4 KB per series (of which the default's live
 * members already use 3,448 bytes).
 *
 * Usage: npx tsx bench/nab-bounded-members.ts [--quick] (`--quick`: only the smallest variants). NAB data:
 * DWCP_NAB_DIR (default ../shared/datasets/nab).
 */
import { createContextOseDetector, type ContextOseOptions } from '../src/analysis/anomaly/context-ose.ts';
import type { StreamingDetector, Verdict } from '../src/analysis/anomaly/detector.ts';
import { createKnnCadDetector, type KnnCadOptions } from '../src/analysis/anomaly/knn-cad.ts';
import { loadNabCorpus } from '../src/eval/nab-data.ts';
import { runNab, scoreNab, type NabEntry } from './detect-nab.ts';

/** One bounded variant. */
interface Variant {
  readonly name: string;
  readonly make: () => StreamingDetector;
  readonly quick: boolean;
}

const cad = (o: Partial<ContextOseOptions>, quick = false): Variant => ({
  name: `CAD OSE ${JSON.stringify(o)}`,
  make: () => createContextOseDetector(o),
  quick,
});
const knn = (o: Partial<KnnCadOptions>, quick = false): Variant => ({
  name: `KNN-CAD ${JSON.stringify(o)}`,
  make: () => createKnnCadDetector(o),
  quick,
});

const VARIANTS: readonly Variant[] = [
  cad({}),
  cad({ maxContexts: 2000, maxSemiContexts: 2000 }),
  cad({ maxContexts: 500, maxSemiContexts: 500, rangeSamples: 100 }),
  cad({ maxContexts: 64, maxSemiContexts: 64, rangeSamples: 50 }, true),
  knn({ probation: 200, lag: 8, k: 10 }),
  knn({ probation: 50, lag: 4, k: 5 }, true),
];

/** Sample the state size every this many samples (stateBytes walks the state). */
const STATE_EVERY = 1024;

/** The detector, recording the largest state it reaches. */
class StateWatch implements StreamingDetector {
  readonly name: string;
  private n = 0;

  constructor(
    private readonly inner: StreamingDetector,
    private readonly peak: { bytes: number },
  ) {
    this.name = inner.name;
  }

  update(value: number, timestampMs: number): Verdict {
    const v = this.inner.update(value, timestampMs);
    if (++this.n % STATE_EVERY === 0) this.peak.bytes = Math.max(this.peak.bytes, this.inner.stateBytes());
    return v;
  }

  stateBytes(): number {
    return this.inner.stateBytes();
  }
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const corpus = await loadNabCorpus();
  console.log(
    '| member (bounded) | NAB standard / low FP, LOCO (live rules) | largest state per series | CPU µs per sample |',
  );
  console.log('| --- | --- | --- | --- |');
  for (const v of VARIANTS.filter((x) => !quick || x.quick)) {
    const peak = { bytes: 0 };
    const entry: NabEntry = {
      name: v.name,
      use: 'score',
      usesLookAhead: false,
      create: () => new StateWatch(v.make(), peak),
    };
    const c0 = process.cpuUsage();
    const { scores, ms } = runNab(corpus, entry, 'live');
    const cpu = process.cpuUsage(c0);
    const r = scoreNab(corpus, entry, 'live', scores, ms);
    const us = (cpu.user + cpu.system) / corpus.rowCount;
    console.log(
      `| ${v.name} | ${r.profiles.standard.normalized.toFixed(1)} / ${r.profiles.reward_low_FP_rate.normalized.toFixed(1)}, ${r.locoStandard?.toFixed(1) ?? 'n/a'} | ${peak.bytes.toLocaleString('en')} B | ${us.toFixed(1)} |`,
    );
  }
}

await main();
