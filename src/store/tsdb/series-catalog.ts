/**
 * The series lookups of `SampleStore` over a chunks-layout `series` table (`(id, hash, name_id, labels)`, tsdb
 * migrations 0002 and 0003) and its `tsdb_metric_names`: series by name and labels (one statement per page: the
 * name's row by its unique index, then the series through the index on `name_id`), with keys built back from the row
 * (or taken from the head when it holds the series: the same canonical key, without building and sorting it again
 * on every periodic read); metric-name search over the name table.
 */
import type { Kysely } from 'kysely';
import { seriesKey, type Labels } from '../../model/sample.ts';
import type { StoreDialect } from '../migrations.ts';
import { searchNamesIn } from '../sql/metric-name-search.ts';
import type { SeriesRef } from '../types.ts';
import { checkLimit } from '../validation.ts';
import { decodeLabels } from './codec/labels.ts';
import type { TsdbDatabase } from './schema.ts';
import { wrapStoreError as wrap, type SeriesCatalog } from './store-types.ts';

/** Rows read per page of a name's series (bounded memory). */
const PAGE = 1000;
/**
 * Series whose decoded labels are kept between lookups (about 0.3–0.5 kB each with the row's bytes): more drop the
 * oldest kept.
 */
export const MAX_DECODED_LABELS = 65_536;

/** A series row's labels as decoded, with the row bytes they were decoded from. */
interface DecodedLabels {
  readonly bytes: Uint8Array;
  readonly labels: Labels;
}

/** Whether two byte arrays hold the same bytes. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `SeriesCatalog` of the chunked store. */
export class TsdbSeriesCatalog implements SeriesCatalog {
  private readonly db: Kysely<TsdbDatabase>;
  private readonly dialect: StoreDialect;
  private keyOfId: (id: number) => string | undefined = () => undefined;
  /** Decoded labels by series id, oldest first (at most `maxDecoded`). */
  private readonly decoded = new Map<number, DecodedLabels>();
  private readonly maxDecoded: number;

  /**
   * @param maxDecoded series whose decoded labels are kept between lookups (default {@link MAX_DECODED_LABELS})
   * @throws RangeError when `maxDecoded` is not a non-negative integer.
   */
  constructor(db: Kysely<TsdbDatabase>, dialect: StoreDialect, maxDecoded = MAX_DECODED_LABELS) {
    if (!Number.isInteger(maxDecoded) || maxDecoded < 0)
      throw new RangeError(`maxDecoded must be a non-negative integer, got ${maxDecoded}`);
    this.db = db;
    this.dialect = dialect;
    this.maxDecoded = maxDecoded;
  }

  /** Series whose decoded labels are kept (for tests of the bound). */
  get decodedLabels(): number {
    return this.decoded.size;
  }

  /**
   * The labels of a series row: kept from an earlier lookup when the row holds the same bytes (a series' labels
   * never change; a reused id with other labels is decoded again), otherwise decoded and kept (frozen: every
   * lookup of the series shares them).
   */
  private labelsOf(id: number, bytes: Uint8Array): Labels {
    const kept = this.decoded.get(id);
    if (kept !== undefined && sameBytes(kept.bytes, bytes)) return kept.labels;
    const labels = Object.freeze(decodeLabels(bytes));
    if (this.maxDecoded === 0) return labels;
    if (kept === undefined && this.decoded.size >= this.maxDecoded)
      this.decoded.delete(this.decoded.keys().next().value!);
    this.decoded.set(id, { bytes, labels });
    return labels;
  }

  /**
   * Where keys of series already known come from (the store's head: `seriesKey(name, labels)` of the series with
   * that id, the key the id was resolved from); other series' keys are built from their row.
   */
  keysFrom(keyOfId: (id: number) => string | undefined): void {
    this.keyOfId = keyOfId;
  }

  /**
   * Metric names containing `substring` (case-insensitive; `%` and `_` match literally), in byte order, at most
   * `limit` (see `SampleStore.searchMetricNames`).
   * @throws InvalidInputError when `limit` is not a positive integer. @throws StoreError on backend failure.
   */
  async searchMetricNames(substring: string, limit: number): Promise<string[]> {
    checkLimit(limit);
    try {
      const db = this.db as unknown as Kysely<unknown>;
      return await searchNamesIn(db, this.dialect, 'tsdb_metric_names', substring, limit);
    } catch (e) {
      throw wrap('searchMetricNames', e);
    }
  }

  /**
   * Series of `name` whose labels include every entry of `match`, in creation order, at most `limit`; labels come
   * back with their names sorted. Read in pages of 1000 rows of that name.
   * @throws InvalidInputError when `limit` is not a positive integer. @throws StoreError on backend failure or a
   *   corrupt row.
   */
  async findSeries(name: string, match: Labels, limit: number): Promise<SeriesRef[]> {
    checkLimit(limit);
    const out: SeriesRef[] = [];
    const entries = Object.entries(match);
    let after = 0;
    try {
      for (;;) {
        const page = await this.db
          .selectFrom('series')
          .innerJoin('tsdb_metric_names', 'tsdb_metric_names.id', 'series.name_id')
          .select(['series.id', 'series.labels'])
          .where('tsdb_metric_names.name', '=', name)
          .where('series.id', '>', after)
          .orderBy('series.id')
          .limit(PAGE)
          .execute();
        for (const r of page) {
          const id = Number(r.id);
          const labels = this.labelsOf(id, r.labels);
          if (entries.every(([k, v]) => labels[k] === v)) {
            out.push({ id, key: this.keyOfId(id) ?? seriesKey(name, labels), name, labels });
            if (out.length >= limit) return out;
          }
        }
        if (page.length < PAGE) return out;
        after = Number(page[page.length - 1]!.id);
      }
    } catch (e) {
      throw wrap('findSeries', e);
    }
  }
}
