/**
 * Kysely table types of alerting's own tables (created by `migrations.ts`, tracked in their own migration
 * table): the notification outbox, silences and incidents. int8 columns may come back from PostgreSQL as
 * strings, so reads go through `Number()`.
 */
import type { ColumnType, Generated } from 'kysely';

/** An int8/bigint column: written as a number, read as number (SQLite) or string (pg). */
export type BigIntColumn = ColumnType<number | string, number, number>;

/**
 * One notification waiting for delivery: persisted before the first attempt, deleted once delivered or
 * dropped. `message_json` is the rendered message for the receiver type (no secrets: URLs and keys come from
 * the receiver's configuration at send time).
 */
export interface OutboxTable {
  id: Generated<number>;
  idempotency_key: string;
  receiver: string;
  incident_id: string;
  kind: string;
  message_json: string;
  created_at: BigIntColumn;
  next_attempt_at: BigIntColumn;
  attempts: number;
  last_error: string | null;
}

/** A silence (matchers as JSON). Deleting a silence expires it (ends_at = now), as Alertmanager does. */
export interface SilencesTable {
  id: string;
  matchers_json: string;
  starts_at: BigIntColumn;
  ends_at: BigIntColumn;
  created_by: string;
  comment: string;
  created_at: BigIntColumn;
}

/** An incident snapshot (the API shape as JSON) with the delivery policy's state for it. */
export interface IncidentsTable {
  id: string;
  status: string;
  started_at: BigIntColumn;
  updated_at: BigIntColumn;
  incident_json: string;
  delivery_json: string;
  /** The incident's node and region (null when it names none); written with the snapshot. */
  node: string | null;
  region: string | null;
}

/** Alerting's tables as kysely sees them. */
export interface AlertingDatabase {
  alert_outbox: OutboxTable;
  alert_silences: SilencesTable;
  alert_incidents: IncidentsTable;
}
