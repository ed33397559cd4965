/**
 * The series lookups of `SampleStore` over a chunks-layout `series` table (`(id, hash, name, labels)`, tsdb
 * migration 0002): series by name and labels, with keys built back from the row. Metric-name search reads only
 * the `name` column, which both layouts share, so it is the row layout's.
 */
import type { Kysely } from 'kysely';
import { seriesKey, type Labels } from '../../model/sample.ts';
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
  private readonly names: Pick<SeriesCatalog, 'searchMetricNames'>;

  constructor(db: Kysely<TsdbDatabase>, names: Pick<SeriesCatalog, 'searchMetricNames'>) {
    this.db = db;
    this.names = names;
  }

  /** Metric names containing `substring` (see `SampleStore.searchMetricNames`). */
  searchMetricNames(substring: string, limit: number): Promise<string[]> {
    return this.names.searchMetricNames(substring, limit);
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
          .select(['id', 'labels'])
          .where('name', '=', name)
          .where('id', '>', after)
          .orderBy('id')
          .limit(PAGE)
          .execute();
        for (const r of page) {
          const labels = decodeLabels(r.labels);
          if (entries.every(([k, v]) => labels[k] === v)) {
            out.push({ id: Number(r.id), key: seriesKey(name, labels), name, labels });
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
