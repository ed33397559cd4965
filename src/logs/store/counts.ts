/**
 * Entry counts per stream and time bucket, aggregated in SQL without reading lines: what `count_over_time` and
 * `rate` need when their pipeline only filters lines by substrings (`|=`, `!=`). Buckets are half-open on the left,
 * `(originUs + (k − 1)·bucketUs, originUs + k·bucketUs]`, and reported by their end; on the (stream_id, time_us)
 * index a bucket is an integer division of the time, so SQLite groups the index entries in order without a sort
 * and without touching the table (unless substrings are checked).
 * @see https://grafana.com/docs/loki/latest/query/metric_queries/#log-range-aggregations
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import { InvalidInputError } from '../../errors.ts';
import type { TenantScope } from '../../model/tenant-scope.ts';
import { containsConditions, streamIdCondition, type LogStore } from './log-store.ts';
import type { LabelSet, StreamLabelValues } from './streams.ts';

/** A count query over `(originUs, endUs)`. */
export interface LogCountQuery {
  /** Exclusive start of the counted time (the first bucket starts here), Unix µs. */
  readonly originUs: number;
  /** Exclusive end, Unix µs. */
  readonly endUs: number;
  /** Bucket width, µs (a positive integer). */
  readonly bucketUs: number;
  readonly labels: readonly LabelSet[];
  /** Only streams of this tenant scope's nodes or regions (default every stream). */
  readonly scope?: TenantScope;
  /** Substrings every counted line contains. */
  readonly contains?: readonly string[];
  /** Substrings no counted line contains. */
  readonly notContains?: readonly string[];
  /** (Stream, bucket) groups to return at most; beyond it the result is `truncated`. */
  readonly maxGroups: number;
}

/** The counts of one stream: bucket end times (Unix µs, ascending) and the entries in each. */
export interface StreamCounts {
  readonly labels: StreamLabelValues;
  readonly bucketEndsUs: number[];
  readonly counts: number[];
}

/** Result of a count query. */
export interface LogCountResult {
  readonly streams: StreamCounts[];
  /** Entries counted. */
  readonly lines: number;
  /** True when `maxGroups` stopped the query (the counts are those of the first groups by stream and time). */
  readonly truncated: boolean;
}

/**
 * Counts entries per stream and bucket.
 * @throws InvalidInputError when the bucket width or time bounds are not safe integers, or the width not positive
 */
export async function countByStream(store: LogStore, q: LogCountQuery): Promise<LogCountResult> {
  for (const [name, v] of [
    ['bucketUs', q.bucketUs],
    ['originUs', q.originUs],
    ['endUs', q.endUs],
  ] as const)
    if (!Number.isSafeInteger(v)) throw new InvalidInputError(`${name} must be an integer, got ${v}`);
  if (q.bucketUs <= 0) throw new InvalidInputError(`bucketUs must be > 0, got ${q.bucketUs}`);
  const ids = await store.streamIdsFor(q.labels, q.scope);
  if (ids?.length === 0) return { streams: [], lines: 0, truncated: false };
  const where: Expression<SqlBool>[] = [
    sql<SqlBool>`e.time_us > ${q.originUs}`,
    sql<SqlBool>`e.time_us < ${q.endUs}`,
    ...containsConditions(store.dialect, q.contains ?? []),
    ...containsConditions(store.dialect, q.notContains ?? [], true),
  ];
  if (ids !== undefined) where.push(streamIdCondition(ids, true));
  // ceil((t − origin) / width) for t > origin, as an integer division of a positive integer (inline literals:
  // the same expression in select and group by)
  const shift = sql.lit(q.originUs - q.bucketUs + 1);
  const width = sql.lit(q.bucketUs);
  const rows = (
    await sql<{
      sid: number | string;
      b: number | string;
      n: number | string;
    }>`select e.stream_id as sid, (e.time_us - ${shift}) / ${width} as b, count(*) as n
      from log_entries e where ${sql.join(where, sql` and `)}
      group by e.stream_id, (e.time_us - ${shift}) / ${width} order by e.stream_id, b limit ${q.maxGroups + 1}`.execute(
      store.db,
    )
  ).rows;
  const truncated = rows.length > q.maxGroups;
  if (truncated) rows.length = q.maxGroups;
  const byStream = new Map<number, { bucketEndsUs: number[]; counts: number[] }>();
  let lines = 0;
  for (const r of rows) {
    const sid = Number(r.sid);
    let s = byStream.get(sid);
    if (s === undefined) byStream.set(sid, (s = { bucketEndsUs: [], counts: [] }));
    const n = Number(r.n);
    s.bucketEndsUs.push(q.originUs + Number(r.b) * q.bucketUs);
    s.counts.push(n);
    lines += n;
  }
  if (byStream.size === 0) return { streams: [], lines, truncated };
  const labelRows = await store.db
    .selectFrom('log_streams')
    .select(['id', 'service', 'node_id', 'region', 'level', 'component'])
    .where(sql<SqlBool>`id in (${sql.raw([...byStream.keys()].join(', '))})`)
    .orderBy('id')
    .execute();
  const streams = labelRows.flatMap((l) => {
    const s = byStream.get(Number(l.id));
    return s === undefined
      ? []
      : [
          {
            labels: {
              service: l.service,
              node_id: l.node_id,
              region: l.region,
              level: l.level,
              component: l.component,
            },
            ...s,
          },
        ];
  });
  return { streams, lines, truncated };
}
