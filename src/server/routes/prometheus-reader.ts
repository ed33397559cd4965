/**
 * Store reads of the Prometheus query API (routes/prometheus-api.ts), in the caller's tenant scope: the series of a
 * PromQL selector with their samples ({@link StoreReader}; a selector without a metric name reads the metrics its
 * `__name__` matchers allow, at most {@link MAX_META_METRICS}), and the label sets of the whole catalog for the
 * label routes without `match[]`, cached for a few seconds ({@link CatalogLabelCache}).
 */
import { findInScope, type TenantScope } from '../../model/tenant-scope.ts';
import type { SeriesRef } from '../../store/types.ts';
import type { Selector } from '../../query/promql/ast.ts';
import { PromQueryError } from '../../query/promql/errors.ts';
import type { PromDataReader, PromSeriesData } from '../../query/promql/evaluate.ts';
import { matches, matchesAll, type PromLabels } from '../../query/promql/labels.ts';
import type { ApiContext } from '../deps.ts';

/** Metric names a selector without a metric name, or a label route without `match[]`, may read. */
export const MAX_META_METRICS = 1000;

/** A stored series and its labels with `__name__`. */
export interface ChosenSeries {
  readonly ref: SeriesRef;
  readonly labels: PromLabels;
}

function tooMany(maxSeries: number): PromQueryError {
  return new PromQueryError(
    'execution',
    `the query selects more than ${maxSeries} series; narrow it with label matchers`,
  );
}

/** Reads the series of a selector through the store, in the caller's tenant scope. */
export class StoreReader implements PromDataReader {
  readonly warnings = new Set<string>();
  constructor(
    private readonly ctx: ApiContext,
    private readonly scope: TenantScope,
    private readonly maxSeries: number,
  ) {}

  /**
   * The metric names `sel` reads: its name, or the stored names its `__name__` matchers allow.
   * @throws PromQueryError `execution` when a selector without a name would read more than
   *   {@link MAX_META_METRICS} metrics
   */
  private async names(sel: Selector): Promise<string[]> {
    if (sel.metric !== undefined) return [sel.metric];
    const all = await this.ctx.deps.samples.searchMetricNames('', MAX_META_METRICS + 1);
    if (all.length > MAX_META_METRICS)
      throw new PromQueryError(
        'execution',
        `a selector without a metric name reads at most ${MAX_META_METRICS} metrics and the store has more; give the metric name`,
      );
    const byName = sel.matchers.filter((m) => m.name === '__name__');
    return all.filter((n) => byName.every((m) => matches({ __name__: n }, m)));
  }

  /**
   * The stored series `sel` selects (matchers applied).
   * @throws PromQueryError `execution` over the series limit or the metric-name bound
   */
  async refs(sel: Selector): Promise<ChosenSeries[]> {
    const eq: Record<string, string> = {};
    for (const m of sel.matchers)
      if (m.op === '=' && m.value !== '' && m.name !== '__name__') eq[m.name] = m.value;
    const samples = this.ctx.deps.samples;
    const out: ChosenSeries[] = [];
    let read = 0;
    for (const name of await this.names(sel)) {
      const refs = await findInScope(this.scope, eq, this.maxSeries + 1 - read, (m, n) =>
        samples.findSeries(name, m, n),
      );
      read += refs.length;
      if (read > this.maxSeries) throw tooMany(this.maxSeries);
      for (const r of refs) {
        const labels: PromLabels = { ...r.labels, __name__: r.name };
        if (matchesAll(labels, sel.matchers)) out.push({ ref: r, labels });
      }
    }
    return out;
  }

  async select(sel: Selector, startMs: number, endMs: number): Promise<PromSeriesData[]> {
    const chosen = await this.refs(sel);
    const byId = new Map(chosen.map((c) => [c.ref.id, c.labels]));
    const maxRaw = this.ctx.limits.queryRawPointsPerSeries;
    const points = await this.ctx.deps.samples.readPoints(
      chosen.map((c) => c.ref),
      startMs,
      endMs,
      maxRaw,
    );
    if (points.some((p) => p.timestampsMs.length >= maxRaw))
      this.warnings.add(
        `some series have more than ${maxRaw} samples in the range; only the latest were used`,
      );
    return points.map((p) => ({
      labels: byId.get(p.series.id)!,
      timestampsMs: p.timestampsMs,
      values: p.values,
    }));
  }
}

/** How long a scope's catalog label sets are reused, ms. */
export const CATALOG_LABELS_TTL_MS = 15_000;
/** Scopes whose catalog label sets are kept at once (the oldest entry goes first). */
const CATALOG_LABELS_ENTRIES = 32;

function scopeKey(scope: TenantScope): string {
  if (scope.kind === 'all') return 'all';
  return JSON.stringify([scope.tenant, [...scope.nodes].sort(), [...scope.regions].sort()]);
}

/**
 * The label sets of every stored series of the first {@link MAX_META_METRICS} metric names a scope may read (no
 * sample read, so no time window: as Prometheus answers label names and values without matchers from whole
 * blocks), kept per scope for {@link CATALOG_LABELS_TTL_MS} in at most 32 entries; Grafana asks for them often.
 */
export class CatalogLabelCache {
  private readonly entries = new Map<string, { atMs: number; sets: Promise<readonly PromLabels[]> }>();
  constructor(private readonly ctx: ApiContext) {}

  /**
   * The catalog's label sets in `scope` (`reader` reads them on a miss).
   * @throws PromQueryError `execution` over the series limit (the failed read is not kept)
   */
  labelSets(scope: TenantScope, reader: StoreReader): Promise<readonly PromLabels[]> {
    const key = scopeKey(scope);
    const now = this.ctx.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.atMs >= 0 && now - hit.atMs < CATALOG_LABELS_TTL_MS) return hit.sets;
    this.entries.delete(key);
    const sets = this.read(reader);
    this.entries.set(key, { atMs: now, sets });
    sets.catch(() => {
      if (this.entries.get(key)?.sets === sets) this.entries.delete(key);
    });
    while (this.entries.size > CATALOG_LABELS_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return sets;
  }

  private async read(reader: StoreReader): Promise<readonly PromLabels[]> {
    const names = await this.ctx.deps.samples.searchMetricNames('', MAX_META_METRICS);
    const out: PromLabels[] = [];
    const max = this.ctx.limits.promqlSeriesMax;
    for (const metric of names) {
      for (const c of await reader.refs({ metric, matchers: [], offsetMs: 0 })) out.push(c.labels);
      if (out.length > max)
        throw new PromQueryError('execution', `more than ${max} series match; give match[]`);
    }
    return out;
  }
}
