/** `AnomalyStore` over a Kysely instance whose schema was created by `migrateToLatest` (SQLite or PostgreSQL). */
import { sql, type Kysely, type Selectable } from 'kysely';
import { NotFoundError } from '../../errors.ts';
import {
  parseResolution,
  type Anomaly,
  type AnomalyResolution,
  type DetectorVote,
  type MetricKind,
} from '../../model/anomaly.ts';
import { severityRank, type Component, type Severity } from '../../model/dwcp.ts';
import { allowsLabels, NODE_LABEL, REGION_LABEL } from '../../model/tenant-scope.ts';
import type { AnomaliesTable, Database } from '../schema.ts';
import { checkAnomalyTime, checkAnomalyTimes, isAnomalyId, storedAnomaly } from '../anomaly-codec.ts';
import { MAX_STORED_VOTES, type AnomalyFilter, type AnomalyStore } from '../types.ts';
import { checkLimit, checkMaxAnomalies } from '../validation.ts';
import { fromDbValue, parseLabels, toDbValue, wrap } from './common.ts';

/** The anomaly history of a SQL store (the database handle belongs to the facade that created it). */
export class SqlAnomalyStore implements AnomalyStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Stores an anomaly; returns it as stored (see `storedAnomaly`) with its new id.
   * @throws InvalidInputError when a time is not an integer in ms. @throws StoreError on backend failure.
   */
  async insert(a: Omit<Anomaly, 'id'>): Promise<Anomaly> {
    checkAnomalyTimes(a);
    try {
      const r = await this.db
        .insertInto('anomalies')
        .values({
          series_key: a.seriesKey,
          metric: a.metric,
          labels_json: JSON.stringify(a.labels),
          component: a.component,
          kind: a.kind,
          started_at: a.startedAtMs,
          detected_at: a.detectedAtMs,
          resolved_at: a.resolvedAtMs,
          observed: toDbValue(a.observed),
          expected: toDbValue(a.expected),
          lower_bound: toDbValue(a.lower),
          upper_bound: toDbValue(a.upper),
          deviation: toDbValue(a.deviation),
          confidence: toDbValue(a.confidence),
          severity: a.severity,
          severity_rank: severityRank(a.severity),
          detector: a.detector,
          acknowledged: a.acknowledged ? 1 : 0,
          score: toDbValue(a.score),
          votes_json: JSON.stringify(a.votes.slice(0, MAX_STORED_VOTES)),
          resolution: a.resolution ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return storedAnomaly(a, Number(r.id));
    } catch (e) {
      throw wrap('anomaly insert', e);
    }
  }

  /**
   * Marks an anomaly resolved at `resolvedAtMs`, with why it ended (`reason`, stored as its `resolution`).
   * @throws InvalidInputError when `resolvedAtMs` is not an integer in ms. @throws NotFoundError when no
   * anomaly has this id. @throws StoreError on backend failure.
   */
  async resolve(id: number, resolvedAtMs: number, reason: AnomalyResolution): Promise<void> {
    checkAnomalyTime('resolvedAtMs', resolvedAtMs);
    if (!isAnomalyId(id)) throw new NotFoundError(`anomaly ${id} not found`);
    let n: number;
    try {
      const r = await this.db
        .updateTable('anomalies')
        .set({ resolved_at: resolvedAtMs, resolution: reason })
        .where('id', '=', id)
        .executeTakeFirst();
      n = Number(r.numUpdatedRows);
    } catch (e) {
      throw wrap('anomaly resolve', e);
    }
    if (n === 0) throw new NotFoundError(`anomaly ${id} not found`);
  }

  /**
   * Marks an anomaly acknowledged and returns it.
   * @throws NotFoundError when no anomaly has this id. @throws StoreError on backend failure.
   */
  async acknowledge(id: number): Promise<Anomaly> {
    if (!isAnomalyId(id)) throw new NotFoundError(`anomaly ${id} not found`);
    let row: AnomalyRow | undefined;
    try {
      await this.db.updateTable('anomalies').set({ acknowledged: 1 }).where('id', '=', id).execute();
      row = await this.db.selectFrom('anomalies').selectAll().where('id', '=', id).executeTakeFirst();
    } catch (e) {
      throw wrap('anomaly acknowledge', e);
    }
    if (!row) throw new NotFoundError(`anomaly ${id} not found`);
    return toAnomaly(row);
  }

  /**
   * Anomalies matching the filter (startedAtMs in [startMs, endMs], component, exact severity and/or minimum
   * severity), newest first (started_at desc, then id desc), at most `limit`.
   * @throws InvalidInputError on a bad limit. @throws StoreError on backend failure.
   */
  async list(f: AnomalyFilter): Promise<Anomaly[]> {
    checkLimit(f.limit);
    try {
      let q = this.db.selectFrom('anomalies').selectAll();
      if (f.startMs !== undefined) q = q.where('started_at', '>=', f.startMs);
      if (f.endMs !== undefined) q = q.where('started_at', '<=', f.endMs);
      if (f.component !== undefined) q = q.where('component', '=', f.component);
      if (f.severity !== undefined) q = q.where('severity', '=', f.severity);
      if (f.minSeverity !== undefined) q = q.where('severity_rank', '>=', severityRank(f.minSeverity));
      if (f.id !== undefined) q = q.where('id', '=', f.id);
      const scope = f.scope;
      if (scope !== undefined && scope.kind === 'nodes') {
        const patterns = [
          ...[...scope.nodes].map((n) => labelPattern(NODE_LABEL, n)),
          ...[...scope.regions].map((r) => labelPattern(REGION_LABEL, r)),
        ];
        if (patterns.length === 0) return [];
        q = q.where(({ or }) => or(patterns.map((p) => sql<boolean>`labels_json like ${p} escape '\\'`)));
      }
      const rows = await q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
      // The LIKE patterns select by the stored JSON text; the exact label check keeps the answer right regardless.
      return rows.map(toAnomaly).filter((a) => scope === undefined || allowsLabels(scope, a.labels));
    } catch (e) {
      throw wrap('anomaly list', e);
    }
  }

  /**
   * Open anomalies (resolved_at NULL), newest first (started_at desc, then id desc), at most `limit`.
   * @throws InvalidInputError on a bad limit. @throws StoreError on backend failure.
   */
  async listOpen(limit: number): Promise<Anomaly[]> {
    checkLimit(limit);
    try {
      const rows = await this.db
        .selectFrom('anomalies')
        .selectAll()
        .where('resolved_at', 'is', null)
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toAnomaly);
    } catch (e) {
      throw wrap('anomaly listOpen', e);
    }
  }

  /**
   * Keeps at most `maxAnomalies`: deletes the excess, resolved anomalies first (oldest started first), then
   * the oldest active ones. Returns how many were deleted.
   * @throws InvalidInputError when `maxAnomalies` is negative or not an integer. @throws StoreError on failure.
   */
  async prune(maxAnomalies: number): Promise<number> {
    checkMaxAnomalies(maxAnomalies);
    try {
      return await this.db.transaction().execute(async (trx) => {
        const c = await trx
          .selectFrom('anomalies')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        const excess = Number(c.n) - maxAnomalies;
        if (excess <= 0) return 0;
        const victims = trx
          .selectFrom('anomalies')
          .select('id')
          .orderBy(sql`case when resolved_at is null then 1 else 0 end`)
          .orderBy('started_at')
          .orderBy('id')
          .limit(excess);
        const r = await trx.deleteFrom('anomalies').where('id', 'in', victims).executeTakeFirst();
        return Number(r.numDeletedRows);
      });
    } catch (e) {
      throw wrap('anomaly prune', e);
    }
  }
}

type AnomalyRow = Selectable<AnomaliesTable>;

function toAnomaly(r: AnomalyRow): Anomaly {
  return {
    id: Number(r.id),
    seriesKey: r.series_key,
    metric: r.metric,
    labels: parseLabels(r.labels_json),
    component: r.component as Component | 'system',
    kind: r.kind as MetricKind,
    startedAtMs: Number(r.started_at),
    detectedAtMs: Number(r.detected_at),
    resolvedAtMs: r.resolved_at === null ? null : Number(r.resolved_at),
    observed: fromDbValue(r.observed),
    expected: fromDbValue(r.expected),
    lower: fromDbValue(r.lower_bound),
    upper: fromDbValue(r.upper_bound),
    deviation: fromDbValue(r.deviation),
    confidence: fromDbValue(r.confidence),
    severity: r.severity as Severity,
    detector: r.detector,
    acknowledged: Number(r.acknowledged) === 1,
    score: fromDbValue(r.score),
    votes: parseVotes(r.votes_json),
    // NULL (rows resolved before every ending had a reason, open rows) or a text that is no known reason: none.
    ...resolutionOf(r.resolution),
  };
}

/** Parses stored votes; malformed JSON or entries become an empty list (the anomaly itself stays readable). */
function parseVotes(json: string): DetectorVote[] {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(v)) return [];
  const out: DetectorVote[] = [];
  for (const e of v.slice(0, MAX_STORED_VOTES)) {
    const o = e as Partial<DetectorVote> | null;
    if (o && typeof o.detector === 'string' && typeof o.score === 'number' && typeof o.voted === 'boolean')
      out.push({ detector: o.detector, score: o.score, voted: o.voted });
  }
  return out;
}

/**
 * A LIKE pattern (escape character `\`) matching stored labels JSON (`JSON.stringify(labels)`) that has `name`
 * equal to `value`: `%"name":"value"%` with `%`, `_` and `\` escaped. JSON escapes quotes inside values, so
 * the pattern cannot match across two labels.
 */
function labelPattern(name: string, value: string): string {
  const pair = `${JSON.stringify(name)}:${JSON.stringify(value)}`;
  return `%${pair.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The `resolution` field of a stored row: its text when it is a known reason ({@link parseResolution}), else none. */
function resolutionOf(text: string | null): { resolution?: AnomalyResolution } {
  const r = text === null ? undefined : parseResolution(text);
  return r === undefined ? {} : { resolution: r };
}
