/**
 * Exemplars of scraped latency histograms (OpenMetrics `# {trace_id="…"} value timestamp`), kept bounded for the
 * Prometheus exemplar query API, so a latency chart links to the traces behind it. Bounds: a retention (rows
 * older are deleted by {@link ExemplarStore.applyRetention}) and a cap on rows (beyond it the oldest are removed
 * and counted as dropped, like Prometheus' circular exemplar storage). Same SQL on SQLite and PostgreSQL.
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/#querying-exemplars
 * @see https://prometheus.io/docs/prometheus/latest/feature_flags/#exemplars-storage
 */
import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import { getMetric } from '../../catalog/index.ts';
import { InvalidInputError } from '../../errors.ts';
import { seriesKey } from '../../model/sample.ts';
import { matchesSelector, type SeriesSelector } from './selectors.ts';

type BigIntColumn = ColumnType<number | string, number, number>;

/** Row of `trace_exemplars` (./migrations.ts). */
interface TraceExemplarsTable {
  id: Generated<number>;
  dedupe_key: string;
  metric: string;
  series_key: string;
  series_labels_json: string;
  labels_json: string;
  value: number;
  ts_ms: BigIntColumn;
}

/** The exemplar store's tables. */
export interface ExemplarDatabase {
  trace_exemplars: TraceExemplarsTable;
}

/** One exemplar to store: the sample it rode on (name, labels with target labels) and its own labels, value, time. */
export interface ExemplarInput {
  readonly name: string;
  readonly seriesLabels: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** Unix ms. */
  readonly timestampMs: number;
}

/** The exemplars of one series, as the query API returns them (timestamps Unix ms here). */
export interface ExemplarSeries {
  /** Labels of the series including `__name__`. */
  readonly seriesLabels: Record<string, string>;
  readonly exemplars: {
    readonly labels: Record<string, string>;
    readonly value: number;
    readonly timestampMs: number;
  }[];
}

/** Options of {@link ExemplarStore}. */
export interface ExemplarStoreOptions {
  /** Exemplars older than this (by their timestamp) are deleted by applyRetention, ms. */
  readonly retentionMs: number;
  /** Rows kept at most; beyond, the oldest are removed and counted. */
  readonly maxExemplars: number;
  /** Registry of the self-metrics (stored and dropped counters). */
  readonly registry: Registry;
}

/** Rows one query reads at most (newest first). */
export const MAX_QUERY_ROWS = 10_000;
const ROWS_PER_INSERT = 200;

function counter(
  registry: Registry,
  name: 'dwcp_monitor_exemplars_stored_total' | 'dwcp_monitor_exemplars_dropped_total',
): Counter {
  const def = getMetric(name);
  const existing = registry.getSingleMetric(def.name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name: def.name, help: def.help, labelNames: [...def.labels], registers: [registry] });
}

/** Bounded exemplar storage over one kysely database. */
export class ExemplarStore {
  private readonly stored: Counter;
  private readonly dropped: Counter;
  /** Rows in the table (counted at open, kept up to date). */
  private rows = -1;

  /** @throws InvalidInputError on a non-positive retention or cap. */
  constructor(
    private readonly db: Kysely<ExemplarDatabase>,
    private readonly opts: ExemplarStoreOptions,
    private readonly onClose?: () => Promise<void>,
  ) {
    if (!(opts.retentionMs > 0))
      throw new InvalidInputError(`exemplar retention must be > 0, got ${opts.retentionMs}`);
    if (!Number.isInteger(opts.maxExemplars) || opts.maxExemplars < 1)
      throw new InvalidInputError(`exemplar cap must be a positive integer, got ${opts.maxExemplars}`);
    this.stored = counter(opts.registry, 'dwcp_monitor_exemplars_stored_total');
    this.dropped = counter(opts.registry, 'dwcp_monitor_exemplars_dropped_total');
  }

  private async count(): Promise<number> {
    if (this.rows < 0) {
      const r = await this.db
        .selectFrom('trace_exemplars')
        .select(sql<number | string>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      this.rows = Number(r.n);
    }
    return this.rows;
  }

  /**
   * Stores the exemplars of one scrape (an exemplar already stored — same series, labels and value — is not
   * stored again) and counts `invalid` malformed ones as dropped; then removes the oldest rows beyond the cap.
   * @returns the number of new rows.
   * @throws StoreError-like driver errors when the database fails.
   */
  async add(list: readonly ExemplarInput[], invalid = 0): Promise<number> {
    if (invalid > 0) this.dropped.inc({ reason: 'invalid' }, invalid);
    if (list.length === 0) return 0;
    await this.count();
    let added = 0;
    for (let i = 0; i < list.length; i += ROWS_PER_INSERT) {
      const values = list.slice(i, i + ROWS_PER_INSERT).map((e) => {
        const key = seriesKey(e.name, e.seriesLabels);
        const labels = JSON.stringify(e.labels);
        return {
          dedupe_key: `${key}\u0000${labels}\u0000${e.value}`,
          metric: e.name,
          series_key: key,
          series_labels_json: JSON.stringify(e.seriesLabels),
          labels_json: labels,
          value: e.value,
          ts_ms: Math.round(e.timestampMs),
        };
      });
      const r = await this.db
        .insertInto('trace_exemplars')
        .values(values)
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .executeTakeFirst();
      const n = Number(r.numInsertedOrUpdatedRows ?? 0);
      added += n;
      this.rows += n; // updated right after each write, so concurrent adds (one per target) count correctly
    }
    this.stored.inc(added);
    const over = this.rows - this.opts.maxExemplars;
    if (over > 0) {
      this.rows -= over;
      const oldest = this.db.selectFrom('trace_exemplars').select('id').orderBy('id').limit(over);
      const d = await this.db.deleteFrom('trace_exemplars').where('id', 'in', oldest).executeTakeFirst();
      const removed = Number(d.numDeletedRows);
      this.rows += over - removed;
      this.dropped.inc({ reason: 'capacity' }, removed);
    }
    return added;
  }

  /**
   * Exemplars of the series matching any of `selectors` with a timestamp in [startMs, endMs], grouped by series
   * (series in first-seen order, exemplars oldest first); at most {@link MAX_QUERY_ROWS} rows are read, newest
   * first.
   * @throws InvalidInputError when end is before start.
   */
  async query(
    selectors: readonly SeriesSelector[],
    startMs: number,
    endMs: number,
  ): Promise<ExemplarSeries[]> {
    if (endMs < startMs) throw new InvalidInputError('end must not be before start');
    const names = selectors.every((s) => s.metric !== undefined)
      ? [...new Set(selectors.map((s) => s.metric!))]
      : undefined;
    let q = this.db
      .selectFrom('trace_exemplars')
      .select(['metric', 'series_key', 'series_labels_json', 'labels_json', 'value', 'ts_ms'])
      .where('ts_ms', '>=', startMs)
      .where('ts_ms', '<=', endMs);
    if (names) q = q.where('metric', 'in', names);
    const rows = await q.orderBy('ts_ms', 'desc').limit(MAX_QUERY_ROWS).execute();
    const bySeries = new Map<string, ExemplarSeries>();
    for (const r of rows.reverse()) {
      let s = bySeries.get(r.series_key);
      if (!s) {
        const labels = JSON.parse(r.series_labels_json) as Record<string, string>;
        if (!selectors.some((sel) => matchesSelector(sel, r.metric, labels))) continue;
        s = { seriesLabels: { __name__: r.metric, ...labels }, exemplars: [] };
        bySeries.set(r.series_key, s);
      }
      s.exemplars.push({
        labels: JSON.parse(r.labels_json) as Record<string, string>,
        value: Number(r.value),
        timestampMs: Number(r.ts_ms),
      });
    }
    return [...bySeries.values()];
  }

  /** Deletes exemplars older than the retention; returns how many. */
  async applyRetention(nowMs: number): Promise<number> {
    const r = await this.db
      .deleteFrom('trace_exemplars')
      .where('ts_ms', '<', Math.round(nowMs - this.opts.retentionMs))
      .executeTakeFirst();
    const n = Number(r.numDeletedRows);
    if (this.rows >= 0) this.rows = Math.max(0, this.rows - n);
    return n;
  }

  /** Closes the database. */
  async close(): Promise<void> {
    await this.db.destroy();
    await this.onClose?.();
  }
}
