/**
 * Log queries over the log store in the Loki query API's shapes: LogQL log queries (streams, newest or oldest
 * first, at most `limit` entries) and the range aggregations count_over_time and rate, optionally summed by
 * labels (`sum by (...)`: counts over the merged entries of each group) — a matrix on a step grid, or a vector
 * at one instant (Loki's instant query; a log query there reads the hour up to the instant); label
 * names and values; the label sets of the streams matching selectors (Loki's series); and the entry search of GET /api/logs. Stream selectors on indexed labels
 * become SQL conditions (regex matchers through the label's stored values), `|=` needles (before any
 * `line_format`) become SQL substring conditions and the full-text words inside them index candidates,
 * everything else is evaluated on the rows read, which are bounded (`maxScan`; `truncated` says when the bound
 * was reached). The range aggregations are evaluated in ./metric-query.ts, the requests and bounds are in
 * ./query-types.ts.
 * @see https://grafana.com/docs/loki/latest/reference/loki-http-api/
 */
import type {
  LogEntry,
  LogsResponse,
  LokiInstantQueryResponse,
  LokiLabelsResponse,
  LokiQueryResponse,
  LokiSeriesResponse,
} from '../contract/logs.ts';
import { InvalidInputError } from '../errors.ts';
import type { TenantScope } from '../model/tenant-scope.ts';
import type { LogQuery, MetricQuery } from './logql/ast.ts';
import { parseLogql } from './logql/parser.ts';
import {
  compilePipeline,
  isIndexedLabel,
  matcherTest,
  prefilterWords,
  requiredSubstrings,
} from './logql/pipeline.ts';
import { metricQuery } from './metric-query.ts';
import {
  DEFAULT_LOG_QUERY_LIMITS,
  INSTANT_LOG_LOOKBACK_US,
  scopeOf,
  seriesKey,
  type LogQueryLimits,
  type MatrixData,
  type StreamsData,
} from './query-types.ts';
import type { LogInstantQuery, LogRangeQuery, LogSearchRequest } from '../model/log-query.ts';
import { LOG_LABELS, type LogLabelName } from './record.ts';
import type { LabelSet, LogStore, StoredLog } from './store/log-store.ts';

export { DEFAULT_LOG_QUERY_LIMITS, INSTANT_LOG_LOOKBACK_US, type LogQueryLimits } from './query-types.ts';

function nsString(us: number): string {
  return `${us}000`;
}

function toEntry(r: StoredLog): LogEntry {
  return {
    timeUs: r.timeUs,
    level: r.level,
    service: r.service,
    nodeId: r.nodeId,
    region: r.region,
    component: r.component,
    traceId: r.traceId,
    spanId: r.spanId,
    body: r.body,
    attributes: { ...r.attributes },
  };
}

/** Loki-shaped queries over one log store. */
export class LogQueryService {
  private readonly store: LogStore;
  private readonly limits: LogQueryLimits;

  constructor(store: LogStore, limits: Partial<LogQueryLimits> = {}) {
    this.store = store;
    this.limits = { ...DEFAULT_LOG_QUERY_LIMITS, ...limits };
  }

  /**
   * Runs a LogQL query over `[startUs, endUs)`.
   * @throws LogqlParseError (400) when the query does not parse; InvalidInputError (400) when a metric query
   *   needs more than `maxPoints` steps or a regex matcher more than `maxLabelValues` values
   */
  async queryRange(r: LogRangeQuery): Promise<LokiQueryResponse> {
    const q = parseLogql(r.query);
    return {
      status: 'success',
      data: q.kind === 'log' ? await this.logQuery(q, r) : await this.metricQuery(q, r),
    };
  }

  /**
   * Runs a LogQL query at one instant: a metric query gives a vector (each series' value at `timeUs`, over its
   * range `(timeUs − range, timeUs]`; series without entries there are left out), a log query the streams of the
   * hour up to `timeUs` (inclusive).
   * @throws as {@link queryRange}
   */
  async queryInstant(r: LogInstantQuery): Promise<LokiInstantQueryResponse> {
    const q = parseLogql(r.query);
    if (q.kind === 'log') {
      const data = await this.logQuery(q, {
        query: r.query,
        startUs: r.timeUs - INSTANT_LOG_LOOKBACK_US + 1,
        endUs: r.timeUs + 1,
        limit: r.limit,
        stepMs: 1,
        direction: r.direction,
        ...scopeOf(r),
      });
      return { status: 'success', data };
    }
    const m = await this.metricQuery(q, {
      query: r.query,
      startUs: r.timeUs,
      endUs: r.timeUs,
      limit: r.limit,
      stepMs: 1,
      direction: r.direction,
      ...scopeOf(r),
    });
    const result = m.result.flatMap((s) =>
      s.values.length === 0 ? [] : [{ metric: s.metric, value: s.values[s.values.length - 1]! }],
    );
    return { status: 'success', data: { resultType: 'vector', result, stats: m.stats } };
  }

  /**
   * Indexed label names with values in `[startUs, endUs)` (of entries in `scope`, when given); with a stream
   * selector `query` (Loki's `query` parameter, which Grafana's label browser sends), only the names the matching
   * streams carry.
   * @throws InvalidInputError (400) as {@link series} for a `query` that is not a stream selector or matches too
   *   many streams
   */
  async labels(
    startUs: number,
    endUs: number,
    scope?: TenantScope,
    query?: string,
  ): Promise<LokiLabelsResponse> {
    if (query === undefined)
      return { status: 'success', data: await this.store.labelNames(startUs, endUs, scope) };
    const sets = await this.matchingStreams([query], 'query', startUs, endUs, scope);
    return { status: 'success', data: LOG_LABELS.filter((l) => sets.some((set) => set[l] !== undefined)) };
  }

  /**
   * Values of a label in `[startUs, endUs)` (of entries in `scope`, when given; none for a label that is not
   * indexed), sorted; with a stream selector `query`, only the values of the matching streams.
   * @throws InvalidInputError (400) as {@link labels}
   */
  async labelValues(
    name: string,
    startUs: number,
    endUs: number,
    scope?: TenantScope,
    query?: string,
  ): Promise<LokiLabelsResponse> {
    if (!isIndexedLabel(name)) return { status: 'success', data: [] };
    if (query === undefined)
      return {
        status: 'success',
        data: await this.store.labelValues(name, startUs, endUs, this.limits.maxLabelValues, scope),
      };
    const sets = await this.matchingStreams([query], 'query', startUs, endUs, scope);
    const values = new Set<string>();
    for (const set of sets) if (set[name] !== undefined) values.add(set[name]);
    return { status: 'success', data: [...values].sort() };
  }

  /**
   * The label sets of the streams matching any of the stream selectors `matches` (Loki's `match[]`) with entries
   * in `[startUs, endUs)` (of entries in `scope`, when given): labels with empty values left out, as in streams
   * results. A selector on a label that is not indexed matches only when its matcher accepts the empty value.
   * @throws InvalidInputError (400) when no selector is given, one does not parse or is more than a stream
   *   selector, a regex matcher needs more than `maxLabelValues` values, or more than `maxLabelValues` streams match
   */
  async series(
    matches: readonly string[],
    startUs: number,
    endUs: number,
    scope?: TenantScope,
  ): Promise<LokiSeriesResponse> {
    if (matches.length === 0)
      throw new InvalidInputError(
        'match[] is required: at least one stream selector, e.g. match[]={service="dwcp-node"}',
      );
    return { status: 'success', data: await this.matchingStreams(matches, 'match[]', startUs, endUs, scope) };
  }

  /** {@link series}' label sets; `param` names the request parameter in error messages. */
  private async matchingStreams(
    matches: readonly string[],
    param: string,
    startUs: number,
    endUs: number,
    scope: TenantScope | undefined,
  ): Promise<Record<string, string>[]> {
    const selectors: LabelSet[][] = [];
    for (const text of matches) {
      const shown = JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
      let q;
      try {
        q = parseLogql(text);
      } catch (e) {
        throw new InvalidInputError(`${param} ${shown}: ${(e as Error).message}`, { cause: e });
      }
      if (q.kind !== 'log' || q.pipeline.length > 0)
        throw new InvalidInputError(
          `${param} ${shown}: must be a stream selector such as {service="dwcp-node"}, without a pipeline or aggregation`,
        );
      if (!q.selector.filter((m) => !isIndexedLabel(m.name)).every((m) => matcherTest(m)(''))) continue;
      selectors.push(await this.labelSets(q, startUs, endUs, scope));
    }
    const max = this.limits.maxLabelValues;
    const sets = await this.store.streamLabelSets(selectors, startUs, endUs, max + 1, scope);
    if (sets.length > max)
      throw new InvalidInputError(
        `more than ${max} streams match ${param}; narrow the selectors or the time range`,
      );
    return sets.map((set) => {
      const labels: Record<string, string> = {};
      for (const l of LOG_LABELS) if (set[l] !== '') labels[l] = set[l];
      return labels;
    });
  }

  /**
   * Entries matching a search, newest first: words, levels, labels, trace and span ids, and an optional LogQL
   * log query (its selector and pipeline), all required.
   * @throws LogqlParseError (400) when `query` does not parse; InvalidInputError (400) for a metric query
   */
  async search(s: LogSearchRequest): Promise<LogsResponse> {
    const labels: LabelSet[] = Object.entries(s.labels).map(([label, v]) => ({
      label: label as LogLabelName,
      in: [v],
    }));
    if (s.levels !== undefined) labels.push({ label: 'level', in: [...s.levels] });
    const contains: string[] = [];
    const containsWords: string[] = [];
    const tests: ((r: StoredLog) => boolean)[] = [];
    if (s.query !== undefined) {
      const q = parseLogql(s.query);
      if (q.kind !== 'log')
        throw new InvalidInputError(
          'query must be a log query (a stream selector and pipeline), not a metric query',
        );
      labels.push(...(await this.labelSets(q, s.startUs, s.endUs, s.scope)));
      contains.push(...requiredSubstrings(q));
      containsWords.push(...prefilterWords(q));
      const run = compilePipeline(q);
      tests.push((r) => run(r) !== undefined);
    }
    if (s.spanId !== undefined) tests.push((r) => r.spanId === s.spanId);
    const res = await this.store.scan({
      startUs: s.startUs,
      endUs: s.endUs,
      labels,
      words: s.words,
      contains,
      containsWords,
      ...(s.traceId !== undefined ? { traceId: s.traceId } : {}),
      ...scopeOf(s),
      direction: 'backward',
      limit: s.limit,
      maxScan: this.limits.maxScan,
      ...(tests.length > 0 ? { accept: (r: StoredLog) => tests.every((t) => t(r)) } : {}),
    });
    return { entries: res.entries.map(toEntry), scannedLines: res.scanned, truncated: res.truncated };
  }

  private async labelSets(
    q: LogQuery,
    startUs: number,
    endUs: number,
    scope: TenantScope | undefined,
  ): Promise<LabelSet[]> {
    const out: LabelSet[] = [];
    for (const m of q.selector) {
      if (!isIndexedLabel(m.name)) continue;
      if (m.op === '=') out.push({ label: m.name, in: [m.value] });
      else if (m.op === '!=') out.push({ label: m.name, notIn: [m.value] });
      else {
        const values = await this.store.labelValues(
          m.name,
          startUs,
          endUs,
          this.limits.maxLabelValues + 1,
          scope,
        );
        if (values.length > this.limits.maxLabelValues)
          throw new InvalidInputError(
            `label ${m.name} has more than ${this.limits.maxLabelValues} values in the range; use = or narrow the time range`,
          );
        const t = matcherTest(m);
        out.push({ label: m.name, in: ['', ...values].filter(t) });
      }
    }
    return out;
  }

  private async logQuery(q: LogQuery, r: LogRangeQuery): Promise<StreamsData> {
    const run = compilePipeline(q);
    const results = new Map<StoredLog, { labels: Record<string, string>; line: string }>();
    const res = await this.store.scan({
      startUs: r.startUs,
      endUs: r.endUs,
      labels: await this.labelSets(q, r.startUs, r.endUs, r.scope),
      contains: requiredSubstrings(q),
      containsWords: prefilterWords(q),
      ...scopeOf(r),
      direction: r.direction,
      limit: r.limit,
      maxScan: this.limits.maxScan,
      accept: (row) => {
        const out = run(row);
        if (out !== undefined) results.set(row, out);
        return out !== undefined;
      },
    });
    const streams = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
    for (const e of res.entries) {
      const out = results.get(e)!;
      const key = seriesKey(out.labels);
      let s = streams.get(key);
      if (!s) streams.set(key, (s = { stream: out.labels, values: [] }));
      s.values.push([nsString(e.timeUs), out.line]);
    }
    return {
      resultType: 'streams',
      result: [...streams.values()],
      stats: { scannedLines: res.scanned, truncated: res.truncated },
    };
  }

  private async metricQuery(q: MetricQuery, r: LogRangeQuery): Promise<MatrixData> {
    return metricQuery(
      { store: this.store, limits: this.limits, labelSets: (lq, s, e, sc) => this.labelSets(lq, s, e, sc) },
      q,
      r,
    );
  }
}
