/**
 * Realistic sample values for the storage benchmark: the DWCP simulator's own nodes (src/sim) ticked in
 * virtual time at 1 s and read through their /metrics text and the exposition parser, exactly what the
 * monitor scrapes (full-precision gauges, float counters, integer histogram buckets). The per-series value
 * streams are cached in the OS temp directory, since ticking takes about 10 ms per node per second.
 *
 * A load of N series replays the template: series i takes template series i mod T with an extra
 * `replica` label, one target (same timestamp per scrape) per template node; scrape timestamps carry 0-3 ms
 * of deterministic jitter, as a real scrape loop does.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExposition } from '../src/ingest/exposition.ts';
import type { Labels, Sample } from '../src/model/sample.ts';
import { seriesKey } from '../src/model/sample.ts';
import { linkClassForRegion, linkProfile } from '../src/sim/link-model.ts';
import { SimNode } from '../src/sim/node.ts';
import { Prng } from '../src/sim/prng.ts';

/** Per-series value streams of the simulator. */
export interface ValueTemplate {
  readonly names: readonly string[];
  readonly labels: readonly Labels[];
  /** Template node of each series (its scrape target). */
  readonly node: Uint16Array;
  readonly steps: number;
  /** values[step * series + i]. */
  readonly values: Float64Array;
}

const REGIONS = ['us-east', 'eu-west', 'ap-south'];
const START_MS = 1_700_000_000_000;

/** Loads (or builds and caches) the template of `nodes` simulator nodes over `steps` seconds. */
export async function loadTemplate(nodes: number, steps: number): Promise<ValueTemplate> {
  const file = join(tmpdir(), `dwcp-bench-template-v1-${nodes}x${steps}.bin`);
  if (existsSync(file)) {
    const buf = readFileSync(file);
    const headLen = buf.readUInt32LE(0);
    const head = JSON.parse(buf.subarray(4, 4 + headLen).toString()) as {
      names: string[];
      labels: Labels[];
      node: number[];
      steps: number;
    };
    const off = 4 + headLen;
    const values = new Float64Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + buf.length));
    return {
      names: head.names,
      labels: head.labels,
      node: Uint16Array.from(head.node),
      steps: head.steps,
      values,
    };
  }
  const root = new Prng(7);
  const ids = Array.from({ length: nodes }, (_, i) => `node-${i + 1}`);
  const sims = ids.map((id, i) => {
    const rng = root.fork();
    return new SimNode({
      id,
      region: REGIONS[i % REGIONS.length]!,
      profile: linkProfile(linkClassForRegion(i % REGIONS.length), rng),
      seed: Math.floor(rng.next() * 4294967296),
      rolloutPercent: 50,
      daySeconds: 86_400,
      startMs: START_MS,
      faults: [],
      peers: ids.filter((x) => x !== id),
      remoteRegions: REGIONS.filter((_, r) => r !== i % REGIONS.length),
      warn: () => {},
    });
  });
  const index = new Map<string, number>();
  const names: string[] = [];
  const labels: Labels[] = [];
  const node: number[] = [];
  const streams: Float64Array[] = [];
  for (let k = 0; k < steps; k++) {
    for (let n = 0; n < sims.length; n++) {
      const sim = sims[n]!;
      sim.tick(START_MS + k * 1000);
      for (const s of parseExposition(await sim.registry.metrics(), { defaultTimestampMs: 0 }).samples) {
        const key = seriesKey(s.name, s.labels);
        let i = index.get(key);
        if (i === undefined) {
          i = names.length;
          index.set(key, i);
          names.push(s.name);
          labels.push(s.labels);
          node.push(n);
          streams.push(new Float64Array(steps).fill(Number.NaN));
        }
        streams[i]![k] = s.value;
      }
    }
  }
  // Series that appeared late take their first value before it (a value a restart would have reported).
  for (const st of streams) {
    let first = st.findIndex((v) => !Number.isNaN(v));
    if (first < 0) first = 0;
    for (let k = 0; k < first; k++) st[k] = st[first] ?? 0;
    for (let k = 1; k < steps; k++) if (Number.isNaN(st[k]!)) st[k] = st[k - 1]!;
  }
  const T = names.length;
  const values = new Float64Array(T * steps);
  for (let k = 0; k < steps; k++) for (let i = 0; i < T; i++) values[k * T + i] = streams[i]![k]!;
  const head = Buffer.from(JSON.stringify({ names, labels, node, steps }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length, 0);
  writeFileSync(file, Buffer.concat([len, head, Buffer.from(values.buffer)]));
  return { names, labels, node: Uint16Array.from(node), steps, values };
}

/** A load of `series` series replaying a template. */
export class ReplayLoad {
  readonly series: number;
  private readonly t: ValueTemplate;
  private readonly labels: Labels[];
  private readonly targetOf: Uint32Array;

  /** Per template series: what a counter adds per pass over the template (0: the template repeats as is). */
  private readonly rise: Float64Array;

  /**
   * @param continueCounters when true, series that never decrease over the template (counters, histogram
   *   buckets, counts and sums) go on rising when the template wraps (each pass adds the template's rise plus its
   *   last increment) instead of falling back to their first value, which would look like a counter reset every
   *   `t.steps` steps. Other series repeat as before.
   */
  constructor(t: ValueTemplate, series: number, continueCounters = false) {
    this.t = t;
    this.series = series;
    const T = t.names.length;
    this.rise = new Float64Array(T);
    if (continueCounters && t.steps >= 2) {
      for (let j = 0; j < T; j++) {
        let monotone = true;
        for (let k = 1; k < t.steps && monotone; k++)
          monotone = t.values[k * T + j]! >= t.values[(k - 1) * T + j]!;
        const first = t.values[j]!;
        const last = t.values[(t.steps - 1) * T + j]!;
        if (monotone && last > first) this.rise[j] = last - first + (last - t.values[(t.steps - 2) * T + j]!);
      }
    }
    this.labels = Array.from({ length: series }, (_, i) => ({
      ...t.labels[i % T]!,
      replica: String(Math.floor(i / T)),
    }));
    this.targetOf = Uint32Array.from({ length: series }, (_, i) => Math.floor(i / T) * 64 + t.node[i % T]!);
  }

  /** Name of series i. */
  name(i: number): string {
    return this.t.names[i % this.t.names.length]!;
  }
  /** Labels of series i. */
  labelsOf(i: number): Labels {
    return this.labels[i]!;
  }
  /** Value of series i at step k (the template wraps around; counters go on rising when asked, see the constructor). */
  value(i: number, k: number): number {
    const T = this.t.names.length;
    const v = this.t.values[(k % this.t.steps) * T + (i % T)]!;
    const pass = Math.floor(k / this.t.steps);
    return pass === 0 ? v : v + pass * this.rise[i % T]!;
  }
  /** Scrape timestamp of series i at step k of `intervalMs` from `startMs`: per target, 0-3 ms of jitter. */
  timestamp(i: number, k: number, startMs: number, intervalMs: number): number {
    const h = Math.imul(this.targetOf[i]! + 1, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca6b);
    return startMs + k * intervalMs + ((h >>> 13) & 3);
  }
  /** One scrape of every series at step k. */
  batch(k: number, startMs: number, intervalMs: number): Sample[] {
    const out = new Array<Sample>(this.series);
    for (let i = 0; i < this.series; i++)
      out[i] = {
        name: this.name(i),
        labels: this.labels[i]!,
        value: this.value(i, k),
        timestampMs: this.timestamp(i, k, startMs, intervalMs),
      };
    return out;
  }
}
