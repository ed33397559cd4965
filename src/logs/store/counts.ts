/**
 * Entry counts per stream and time bucket, aggregated in SQL without reading lines: what `count_over_time` and
 * `rate` need when their pipeline only filters lines by substrings (`|=`, `!=`). Buckets are half-open on the left,
 * `(originUs + (k − 1)·bucketUs, originUs + k·bucketUs]`, and reported by their end; on the (stream_id, time_us)
 * index a bucket is an integer division of the time, so SQLite groups the index entries in order without a sort
 * and without touching the table (unless substrings are checked); on SQLite the stream index's blocks give each
 * stream's entry times (./stream-index.ts), bucketed here.
 * @see https://grafana.com/docs/loki/latest/query/metric_queries/#log-range-aggregations
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import { InvalidInputError } from '../../errors.ts';
import type { TenantScope } from '../../model/tenant-scope.ts';
import { containsConditions, streamIdCondition, type LogStore } from './log-store.ts';
import type { StreamIndex } from './stream-index.ts';
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

/** One (stream, bucket) group: the stream id, the bucket's number from the origin (1 = the first) and its count. */
interface GroupRow {
  readonly sid: number | string;
  readonly b: number | string;
  readonly n: number | string;
}

/** Entry ids checked against substrings per statement. */
const FILTER_IDS = 10_000;
/** Streams counted per read of the stream index (their (stream, bucket) counts held at once). */
const COUNT_STREAMS = 64;

/** ⌈(t − origin) / width⌉ for t > origin, exactly for safe integers. */
export function bucketOf(t: number, originUs: number, bucketUs: number): number {
  const a = t - originUs - 1;
  let k = Math.floor(a / bucketUs);
  if (k * bucketUs > a) k--;
  else if ((k + 1) * bucketUs <= a) k++;
  return k + 1;
}

/**
 * Adds ascending times `times[from..to)` (all after the origin) to their buckets, one `add` per bucket they fall
 * in: each bucket's run ends at the first time past the bucket's (inclusive) end, so a time is compared, not divided.
 */
export function addSortedRun(
  times: ArrayLike<number>,
  from: number,
  to: number,
  q: { readonly originUs: number; readonly bucketUs: number },
  add: (bucket: number, n: number) => void,
): void {
  let i = from;
  while (i < to) {
    const b = bucketOf(times[i]!, q.originUs, q.bucketUs);
    const edge = q.originUs + b * q.bucketUs;
    let j = i + 1;
    while (j < to && times[j]! <= edge) j++;
    add(b, j - i);
    i = j;
  }
}

/**
 * SQLite: the (stream, bucket) groups from the stream index, stream by stream in id order (the lines read only
 * when substrings are checked), at most `maxGroups + 1`; holding the connection, so no retention runs between.
 */
async function countByIndex(
  store: LogStore,
  index: StreamIndex,
  q: LogCountQuery,
  streamIds: readonly number[],
): Promise<GroupRow[]> {
  const filters = [
    ...containsConditions('sqlite', q.contains ?? []),
    ...containsConditions('sqlite', q.notContains ?? [], true),
  ];
  const sorted = [...streamIds].sort((a, b) => a - b);
  return store.db.connection().execute(async (conn) => {
    const out: GroupRow[] = [];
    // streams a chunk at a time (one index read each), so at most a chunk's (stream, bucket) counts are held
    for (let at = 0; at < sorted.length; at += COUNT_STREAMS) {
      const chunk = sorted.slice(at, at + COUNT_STREAMS);
      const counts = new Map<number, Map<number, number>>(chunk.map((sid) => [sid, new Map()]));
      if (filters.length === 0) {
        const lo = q.originUs + 1;
        const add = (sid: number, b: number, n: number) => {
          const byBucket = counts.get(sid)!;
          byBucket.set(b, (byBucket.get(b) ?? 0) + n);
        };
        index.visitTimes(
          chunk,
          lo,
          q.endUs,
          (sid, times, from, to, inRange) => {
            if (inRange) addSortedRun(times, from, to, q, (b, n) => add(sid, b, n));
            else
              for (let i = from; i < to; i++) {
                const t = times[i]!;
                if (t >= lo && t < q.endUs) add(sid, bucketOf(t, q.originUs, q.bucketUs), 1);
              }
          },
          // a block inside one bucket is counted from its description: its times are not read
          (sid, minT, maxT, n) => {
            const b = bucketOf(minT, q.originUs, q.bucketUs);
            if (b !== bucketOf(maxT, q.originUs, q.bucketUs)) return false;
            add(sid, b, n);
            return true;
          },
        );
      } else {
        for (const sid of chunk) {
          const ids: number[] = [];
          const times: number[] = [];
          index.visit([sid], q.originUs + 1, q.endUs, (_, id, t) => {
            ids.push(id);
            times.push(t);
          });
          const kept = new Set<number>();
          for (let from = 0; from < ids.length; from += FILTER_IDS) {
            const part = ids.slice(from, from + FILTER_IDS);
            const r = await sql<{
              id: number;
            }>`select e.id as id from json_each(${JSON.stringify(part)}) j cross join log_entries e on e.id = j.value where ${sql.join(filters, sql` and `)}`.execute(
              conn,
            );
            for (const x of r.rows) kept.add(Number(x.id));
          }
          const byBucket = counts.get(sid)!;
          for (let i = 0; i < ids.length; i++) {
            if (!kept.has(ids[i]!)) continue;
            const b = bucketOf(times[i]!, q.originUs, q.bucketUs);
            byBucket.set(b, (byBucket.get(b) ?? 0) + 1);
          }
        }
      }
      for (const sid of chunk)
        for (const [b, n] of [...counts.get(sid)!].sort((x, y) => x[0] - y[0])) {
          out.push({ sid, b, n });
          if (out.length > q.maxGroups) return out;
        }
    }
    return out;
  });
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
  const index = store.streamIndex;
  const rows =
    index !== undefined && ids !== undefined
      ? await countByIndex(store, index, q, ids)
      : (
          await sql<GroupRow>`select e.stream_id as sid, (e.time_us - ${shift}) / ${width} as b, count(*) as n
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
