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

/** `SeriesCatalog` of the chunked store. */
export class TsdbSeriesCatalog implements SeriesCatalog {
  private readonly db: Kysely<TsdbDatabase>;
  private readonly dialect: StoreDialect;
  private keyOfId: (id: number) => string | undefined = () => undefined;

  constructor(db: Kysely<TsdbDatabase>, dialect: StoreDialect) {
    this.db = db;
    this.dialect = dialect;
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
          const labels = decodeLabels(r.labels);
          if (entries.every(([k, v]) => labels[k] === v)) {
            const id = Number(r.id);
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
