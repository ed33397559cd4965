/**
 * Statistical detector benchmark: single-series throughput (samples/s on one core) with an anchor measured in
 * the same run (a plain loop keeping a running mean over the same data), state bytes per series, and a
 * 10k-series interleaved workload (the monitor's shape: many series, one sample each per scrape).
 *
 * Verdict objects: callers may keep returned verdicts, so the detector never mutates one it returned. In the
 * default `full` mode every judged sample allocates one small fixed-shape object (needed for score sweeps);
 * `lean` mode returns a shared frozen verdict for in-band samples and allocates only for anomalies and
 * resolutions. Both are measured here. Run alone with `npx tsx bench/detector.ts`.
 */
import { pathToFileURL } from 'node:url';
import { createStatisticalDetector, type StatisticalDetector } from '../src/analysis/anomaly/statistical.ts';
import { Prng } from '../src/sim/prng.ts';
import { opsPerSecond, renderTable, type BenchTable } from './table.ts';

function rng(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.next();
}

/**
 * A realistic noisy throughput-like series: level 1e9 B/s, a daily-ish sine, AR(1) noise, rare spikes and a
 * level shift every 50k samples.
 */
function makeSeries(n: number): Float64Array {
  const r = rng(2024);
  const out = new Float64Array(n);
  let ar = 0;
  for (let i = 0; i < n; i++) {
    const u1 = r() || 1e-12;
    const g = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * r());
    ar = 0.6 * ar + g;
    const shift = Math.floor(i / 50_000) % 2 === 0 ? 0 : 2e8;
    out[i] = 1e9 + shift + 5e7 * Math.sin((2 * Math.PI * i) / 8640) + 1e7 * ar + (r() < 0.001 ? 3e8 : 0);
  }
  return out;
}

const N = 1 << 18;
const STEP_MS = 10_000;

/** Runs the detector benchmark and returns its tables (single series, state size, 10k series). */
export async function benchDetector(): Promise<BenchTable[]> {
  const data = makeSeries(N);
  let sink = 0;

  // Anchor: a plain loop updating a running mean over the same data.
  let pos = 0;
  let mean = 0;
  let count = 0;
  const anchor = opsPerSecond((n) => {
    for (let i = 0; i < n; i++) {
      const x = data[pos]!;
      pos = pos + 1 === N ? 0 : pos + 1;
      count++;
      mean += (x - mean) / count;
    }
    sink += mean;
  }, 100_000);

  const single = (verdicts: 'full' | 'lean'): { rate: number; bytes: number; anomalies: number } => {
    const d = createStatisticalDetector({ kind: 'bandwidth' }, { verdicts });
    let p = 0;
    let t = 0;
    let anomalies = 0;
    const rate = opsPerSecond((n) => {
      for (let i = 0; i < n; i++) {
        const v = d.update(data[p]!, t);
        if (v.anomalous) anomalies++;
        p = p + 1 === N ? 0 : p + 1;
        t += STEP_MS;
      }
    }, 100_000);
    return { rate, bytes: d.stateBytes(), anomalies };
  };
  const full = single('full');
  const lean = single('lean');

  const singleTable: BenchTable = {
    title: 'Statistical detector, one series (samples/s, one core)',
    anchor: 'running-mean loop',
    rows: [
      { name: 'running-mean loop', value: anchor, unit: 'samples/s' },
      {
        name: 'statistical (full verdicts)',
        value: full.rate,
        unit: 'samples/s',
        extra: { 'state bytes/series': full.bytes },
      },
      {
        name: 'statistical (lean verdicts)',
        value: lean.rate,
        unit: 'samples/s',
        extra: { 'state bytes/series': lean.bytes },
      },
    ],
    goal: '>= 1M samples/s per core (statistical rows)',
  };

  // 10k series interleaved: sample i goes to series i % S, so every step touches a different detector.
  const S = 10_000;
  const heapBefore = process.memoryUsage().heapUsed;
  const dets: StatisticalDetector[] = [];
  for (let s = 0; s < S; s++) dets.push(createStatisticalDetector({ kind: 'bandwidth' }));
  // Warm every detector up so the rings are full (the steady state).
  for (let i = 0; i < S * 100; i++) dets[i % S]!.update(data[i % N]!, Math.floor(i / S) * STEP_MS);
  const heapAfter = process.memoryUsage().heapUsed;
  const measuredPerSeries = Math.max(0, (heapAfter - heapBefore) / S);
  let k = S * 100;
  const multiRate = opsPerSecond((n) => {
    for (let i = 0; i < n; i++) {
      const v = dets[k % S]!.update(data[k % N]!, Math.floor(k / S) * STEP_MS);
      if (v.anomalous) sink++;
      k++;
    }
  }, 100_000);
  const means = new Float64Array(S);
  const counts = new Float64Array(S);
  let j = 0;
  const multiAnchor = opsPerSecond((n) => {
    for (let i = 0; i < n; i++) {
      const s = j % S;
      counts[s]! += 1;
      means[s]! += (data[j % N]! - means[s]!) / counts[s]!;
      j++;
    }
  }, 100_000);
  const multiTable: BenchTable = {
    title: '10k series interleaved (samples/s, one core)',
    anchor: 'running-mean per series',
    rows: [
      { name: 'running-mean per series', value: multiAnchor, unit: 'samples/s' },
      {
        name: 'statistical, 10k detectors',
        value: multiRate,
        unit: 'samples/s',
        extra: {
          'stateBytes()/series': dets[0]!.stateBytes(),
          'heap delta/series (measured)': Math.round(measuredPerSeries),
          'total state MB': ((dets[0]!.stateBytes() * S) / 1e6).toFixed(1),
        },
      },
    ],
    goal: '>= 1M samples/s per core; memory O(1) per series',
  };
  if (sink === Number.MIN_VALUE) console.log(sink); // keep results observable
  return [singleTable, multiTable];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const t of await benchDetector()) console.log(renderTable(t));
}
