/** HDE (Hierarchical Delta Encoding) wrapper of seed 001 ("Instrument HDE Components"). */
import type { Counter, Gauge, Histogram } from 'prom-client';
import { InvalidInputError } from '../../errors.ts';
import type { CatalogMetrics } from '../../catalog/registry.ts';
import { inRange, nonEmpty, nonNegative } from '../validate.ts';
import { checkBase, type V1BaseLabels } from './base.ts';

/**
 * Records compression results, decompression outcomes, baselines and dictionary efficiency on `dwcp_hde_*`.
 * The delta hit rate is the real running rate hits/(hits+misses) x 100 over the wrapper's lifetime.
 */
export class HdeMetrics {
  private readonly base: V1BaseLabels;
  private hits = 0;
  private misses = 0;
  private readonly ratio: Histogram<string>;
  private readonly ops: Counter<string>;
  private readonly hitRate: Gauge<string>;
  private readonly baselines: Gauge<string>;
  private readonly dictionary: Gauge<string>;
  private readonly bytesOriginal: Counter<string>;
  private readonly bytesCompressed: Counter<string>;

  constructor(metrics: CatalogMetrics, base: V1BaseLabels) {
    this.base = checkBase(base);
    this.ratio = metrics.histogram('dwcp_hde_compression_ratio');
    this.ops = metrics.counter('dwcp_hde_operations_total');
    this.hitRate = metrics.gauge('dwcp_hde_delta_hit_rate_percent');
    this.baselines = metrics.gauge('dwcp_hde_baseline_count');
    this.dictionary = metrics.gauge('dwcp_hde_dictionary_efficiency_percent');
    this.bytesOriginal = metrics.counter('dwcp_hde_bytes_original_total');
    this.bytesCompressed = metrics.counter('dwcp_hde_bytes_compressed_total');
  }

  /**
   * One compression: observes ratio original/compressed, counts the encode operation and bytes, updates the
   * running delta hit rate. Returns the ratio.
   * @throws InvalidInputError on empty data type, negative sizes or compressedBytes == 0 with originalBytes > 0.
   */
  onCompressionComplete(
    dataType: string,
    originalBytes: number,
    compressedBytes: number,
    deltaHit: boolean,
  ): number {
    nonEmpty(dataType, 'data type');
    nonNegative(originalBytes, 'original bytes');
    nonNegative(compressedBytes, 'compressed bytes');
    if (compressedBytes === 0 && originalBytes > 0)
      throw new InvalidInputError('compressed bytes is 0 for non-empty input');
    const ratio = compressedBytes > 0 ? originalBytes / compressedBytes : 1;
    const l = { ...this.base, data_type: dataType };
    this.ratio.observe(l, ratio);
    this.bytesOriginal.inc(l, originalBytes);
    this.bytesCompressed.inc(l, compressedBytes);
    this.ops.inc({ ...this.base, operation: 'encode', result: 'success' });
    if (deltaHit) this.hits++;
    else this.misses++;
    this.hitRate.set(this.base, (this.hits / (this.hits + this.misses)) * 100);
    return ratio;
  }

  /** A failed encode (counts operation="encode", result="failure"). */
  onCompressionFailed(): void {
    this.ops.inc({ ...this.base, operation: 'encode', result: 'failure' });
  }

  /** One decompression: operations_total{operation="decode", result="success"|"failure"} +1. */
  onDecompressionComplete(ok: boolean): void {
    this.ops.inc({ ...this.base, operation: 'decode', result: ok ? 'success' : 'failure' });
  }

  /** Active baselines of one type (gauge set to `count`). */
  onBaselineUpdate(baselineType: string, count: number): void {
    nonEmpty(baselineType, 'baseline type');
    this.baselines.set({ ...this.base, baseline_type: baselineType }, nonNegative(count, 'baseline count'));
  }

  /** Dictionary efficiency in percent (0..100). */
  onDictionaryUpdate(efficiencyPercent: number): void {
    this.dictionary.set(this.base, inRange(efficiencyPercent, 0, 100, 'dictionary efficiency percent'));
  }

  /** Current running delta hit rate in percent (NaN before the first compression). */
  get deltaHitRatePercent(): number {
    const n = this.hits + this.misses;
    return n === 0 ? Number.NaN : (this.hits / n) * 100;
  }
}
