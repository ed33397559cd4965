/**
 * Records what a Prometheus server running the generated configuration would have scraped from the simulated
 * nodes: the series of the given sample names, every `intervalSeconds`, with the generated `dwcp` job's target
 * labels (`job`, `instance`, and the file_sd labels `region`, `node`) under `honor_labels: true` (a label the
 * node exposes itself keeps the node's value), plus the synthetic `up`, `scrape_duration_seconds` and
 * `scrape_samples_scraped` of each scrape. The result is the `input_series` of a promtool unit test
 * (./promtool.ts). Bounded: at most `maxSeries` series of `points` values each.
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config (honor_labels)
 * @see https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/ (input_series notation)
 */
import { InvalidInputError } from '../../errors.ts';
import { escapeLabelValue, seriesKey, type Labels, type Sample } from '../../model/sample.ts';

/** One promtool input series: the series in PromQL selector notation and its values (`_` = no sample). */
export interface PromInputSeries {
  readonly series: string;
  readonly values: string;
}

/** The series of one record call's target. */
export interface PromTarget {
  /** `host:port` of the target (the `instance` label). */
  readonly instance: string;
  /** File_sd labels of the target (`region`, `node`). */
  readonly labels: Labels;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

function selector(name: string, labels: Labels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabelValue(labels[k]!)}"`);
  return parts.length === 0 ? name : `${name}{${parts.join(', ')}}`;
}

/** The recorder (see the module comment). */
export class PromRecorder {
  readonly intervalSeconds: number;
  readonly points: number;
  readonly maxSeries: number;
  private readonly names: ReadonlySet<string>;
  private readonly series = new Map<
    string,
    { name: string; labels: Labels; values: (number | undefined)[] }
  >();
  private dropped = 0;

  /**
   * @param points values per series (scrapes over the run)
   * @throws InvalidInputError for a non-positive interval, point count or series bound.
   */
  constructor(opts: {
    intervalSeconds: number;
    points: number;
    sampleNames: readonly string[];
    maxSeries: number;
  }) {
    if (
      !(opts.intervalSeconds > 0) ||
      !Number.isInteger(opts.points) ||
      opts.points < 1 ||
      !Number.isInteger(opts.maxSeries) ||
      opts.maxSeries < 1
    )
      throw new InvalidInputError('prometheus recorder: interval, points and maxSeries must be positive');
    this.intervalSeconds = opts.intervalSeconds;
    this.points = opts.points;
    this.maxSeries = opts.maxSeries;
    this.names = new Set(opts.sampleNames);
  }

  /** Series recorded. */
  get size(): number {
    return this.series.size;
  }

  /** Samples of new series refused because of `maxSeries`. */
  get droppedSamples(): number {
    return this.dropped;
  }

  /**
   * Records scrape `index` (0-based, at `index × intervalSeconds`) of `target`: its samples of the recorded names
   * and the synthetic series of a successful scrape that took `scrapeSeconds` (`up` = 1).
   * @throws InvalidInputError when `index` is outside 0..points-1.
   */
  record(index: number, target: PromTarget, samples: readonly Sample[], scrapeSeconds: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.points)
      throw new InvalidInputError(`prometheus recorder: scrape index ${index} outside 0..${this.points - 1}`);
    const base: Labels = { job: 'dwcp', instance: target.instance, ...target.labels };
    for (const s of samples)
      if (this.names.has(s.name)) this.put(index, s.name, { ...base, ...s.labels }, s.value);
    this.put(index, 'up', base, 1);
    this.put(index, 'scrape_duration_seconds', base, scrapeSeconds);
    this.put(index, 'scrape_samples_scraped', base, samples.length);
  }

  /** The recorded series in promtool's input notation, in first-seen order. */
  inputSeries(): PromInputSeries[] {
    return [...this.series.values()].map((s) => ({
      series: selector(s.name, s.labels),
      values: s.values.map((v) => (v === undefined ? '_' : formatValue(v))).join(' '),
    }));
  }

  private put(index: number, name: string, labels: Labels, value: number): void {
    const key = seriesKey(name, labels);
    let s = this.series.get(key);
    if (!s) {
      if (this.series.size >= this.maxSeries) {
        this.dropped++;
        return;
      }
      s = { name, labels, values: new Array<number | undefined>(this.points).fill(undefined) };
      this.series.set(key, s);
    }
    s.values[index] = value;
  }
}
