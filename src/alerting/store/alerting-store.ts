/**
 * Silences and incidents in alerting's tables. Incidents are saved as their API snapshot plus the delivery
 * policy's state, so a restarted monitor knows which notifications it already handed over (no storm). Bounded:
 * `pruneIncidents` keeps the newest `maxStored`; expired silences are deleted after `silenceRetentionMs`.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Incident, Silence } from '../../contract/alerting.ts';
import { NotFoundError, StoreError } from '../../errors.ts';
import type { TenantScope } from '../../model/tenant-scope.ts';
import type { ReceiverState } from '../delivery/policy.ts';
import { silenceState, type SilenceDraft } from '../delivery/silences.ts';
import type { AlertingDatabase, SilencesTable } from './schema.ts';

/** A saved incident with the delivery state. */
export interface SavedIncident {
  readonly incident: Incident;
  readonly delivery: readonly ReceiverState[];
}

async function wrap<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof NotFoundError) throw e;
    throw new StoreError(`alerting store: ${what} failed: ${(e as Error).message}`, { cause: e });
  }
}

function toSilence(r: Selectable<SilencesTable>, nowMs: number): Silence {
  const startsAtMs = Number(r.starts_at);
  const endsAtMs = Number(r.ends_at);
  return {
    id: r.id,
    matchers: JSON.parse(r.matchers_json) as Silence['matchers'],
    startsAtMs,
    endsAtMs,
    createdBy: r.created_by,
    comment: r.comment,
    createdAtMs: Number(r.created_at),
    state: silenceState({ startsAtMs, endsAtMs }, nowMs),
  };
}

/** Silences and incidents (see the module comment). */
export class AlertingStore {
  constructor(private readonly db: Kysely<AlertingDatabase>) {}

  /** Stores a new silence and returns it. */
  async createSilence(d: SilenceDraft, nowMs: number): Promise<Silence> {
    const id = randomUUID();
    await wrap('creating a silence', () =>
      this.db
        .insertInto('alert_silences')
        .values({
          id,
          matchers_json: JSON.stringify(d.matchers),
          starts_at: d.startsAtMs,
          ends_at: d.endsAtMs,
          created_by: d.createdBy,
          comment: d.comment,
          created_at: nowMs,
        })
        .execute(),
    );
    return this.getSilence(id, nowMs);
  }

  /** Replaces a silence's matchers, times and comment. @throws NotFoundError for an unknown id. */
  async updateSilence(id: string, d: SilenceDraft, nowMs: number): Promise<Silence> {
    const res = await wrap('updating a silence', () =>
      this.db
        .updateTable('alert_silences')
        .set({
          matchers_json: JSON.stringify(d.matchers),
          starts_at: d.startsAtMs,
          ends_at: d.endsAtMs,
          created_by: d.createdBy,
          comment: d.comment,
        })
        .where('id', '=', id)
        .executeTakeFirst(),
    );
    if (Number(res.numUpdatedRows) === 0) throw new NotFoundError(`silence ${id} not found`);
    return this.getSilence(id, nowMs);
  }

  /** Expires a silence now (Alertmanager's DELETE). @throws NotFoundError for an unknown id. */
  async expireSilence(id: string, nowMs: number): Promise<Silence> {
    const s = await this.getSilence(id, nowMs);
    if (s.endsAtMs > nowMs) {
      await wrap('expiring a silence', () =>
        this.db
          .updateTable('alert_silences')
          .set({ ends_at: nowMs, starts_at: Math.min(s.startsAtMs, nowMs) })
          .where('id', '=', id)
          .execute(),
      );
    }
    return this.getSilence(id, nowMs);
  }

  /** One silence. @throws NotFoundError for an unknown id. */
  async getSilence(id: string, nowMs: number): Promise<Silence> {
    const r = await wrap('reading a silence', () =>
      this.db.selectFrom('alert_silences').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    if (!r) throw new NotFoundError(`silence ${id} not found`);
    return toSilence(r, nowMs);
  }

  /** Silences ending after `sinceMs` (active, pending and recently expired), newest first, at most `limit`. */
  async listSilences(nowMs: number, sinceMs: number, limit: number): Promise<Silence[]> {
    const rows = await wrap('listing silences', () =>
      this.db
        .selectFrom('alert_silences')
        .selectAll()
        .where('ends_at', '>', sinceMs)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute(),
    );
    return rows.map((r) => toSilence(r, nowMs));
  }

  /** Deletes silences that ended before `cutoffMs`. Returns how many. */
  async deleteSilencesEndedBefore(cutoffMs: number): Promise<number> {
    const res = await wrap('deleting old silences', () =>
      this.db.deleteFrom('alert_silences').where('ends_at', '<', cutoffMs).executeTakeFirst(),
    );
    return Number(res.numDeletedRows);
  }

  /** Upserts incidents in one transaction. */
  async saveIncidents(items: readonly SavedIncident[]): Promise<void> {
    if (items.length === 0) return;
    await wrap('saving incidents', () =>
      this.db.transaction().execute(async (tx) => {
        for (const { incident: i, delivery } of items) {
          const row = {
            status: i.status,
            started_at: i.startedAtMs,
            updated_at: i.updatedAtMs,
            incident_json: JSON.stringify(i),
            delivery_json: JSON.stringify(delivery),
            node: i.node,
            region: i.region,
          };
          await tx
            .insertInto('alert_incidents')
            .values({ id: i.id, ...row })
            .onConflict((oc) => oc.column('id').doUpdateSet(row))
            .execute();
        }
      }),
    );
  }

  /**
   * Incidents, newest first: `status` filters (undefined = all), `scope` keeps those of a tenant's nodes or
   * regions (in SQL, before the limit; incidents naming neither are outside every tenant scope), at most `limit`.
   */
  async loadIncidents(
    limit: number,
    status?: Incident['status'],
    scope?: TenantScope,
  ): Promise<SavedIncident[]> {
    if (scope?.kind === 'nodes' && scope.nodes.size === 0 && scope.regions.size === 0) return [];
    const rows = await wrap('loading incidents', () => {
      let q = this.db.selectFrom('alert_incidents').selectAll();
      if (status !== undefined) q = q.where('status', '=', status);
      if (scope?.kind === 'nodes') {
        const nodes = [...scope.nodes];
        const regions = [...scope.regions];
        q = q.where((eb) =>
          eb.or([
            ...(nodes.length > 0 ? [eb('node', 'in', nodes)] : []),
            ...(regions.length > 0 ? [eb('region', 'in', regions)] : []),
          ]),
        );
      }
      return q.orderBy('started_at', 'desc').limit(limit).execute();
    });
    return rows.map((r) => ({
      incident: JSON.parse(r.incident_json) as Incident,
      delivery: JSON.parse(r.delivery_json) as ReceiverState[],
    }));
  }

  /** One incident, or undefined. */
  async loadIncident(id: string): Promise<SavedIncident | undefined> {
    const r = await wrap('loading an incident', () =>
      this.db.selectFrom('alert_incidents').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return r
      ? {
          incident: JSON.parse(r.incident_json) as Incident,
          delivery: JSON.parse(r.delivery_json) as ReceiverState[],
        }
      : undefined;
  }

  /** Deletes the oldest resolved incidents beyond `maxStored` incidents. Returns how many. */
  async pruneIncidents(maxStored: number): Promise<number> {
    return wrap('pruning incidents', async () => {
      const keep = await this.db
        .selectFrom('alert_incidents')
        .select('started_at')
        .orderBy('started_at', 'desc')
        .offset(maxStored - 1)
        .limit(1)
        .executeTakeFirst();
      if (!keep) return 0;
      const res = await this.db
        .deleteFrom('alert_incidents')
        .where('status', '=', 'resolved')
        .where('started_at', '<', Number(keep.started_at))
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    });
  }
}
