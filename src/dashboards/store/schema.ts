/**
 * Kysely table types of the dashboard store (created by ./migrations.ts). Every row carries its tenant and
 * owner, so every read and write is scoped to one tenant. int8 columns may come back from PostgreSQL as
 * strings, so reads go through `Number()`.
 */
import type { ColumnType } from 'kysely';

/** An int8/bigint column: written as a number, read as number (SQLite) or string (pg). */
export type BigIntColumn = ColumnType<number | string, number, number>;

/** The current version of each dashboard. `spec_json` is the validated spec (src/contract/dashboard-spec.ts). */
export interface DashboardsTable {
  id: string;
  tenant_id: string;
  owner: string;
  title: string;
  /** JSON array of the tags (for the list without reading the spec). */
  tags_json: string;
  widgets: number;
  version: number;
  spec_json: string;
  created_at_ms: BigIntColumn;
  updated_at_ms: BigIntColumn;
  updated_by: string;
}

/** Earlier and current versions of each dashboard (the newest `maxVersions` are kept). */
export interface DashboardVersionsTable {
  dashboard_id: string;
  version: number;
  tenant_id: string;
  title: string;
  spec_json: string;
  updated_at_ms: BigIntColumn;
  updated_by: string;
}

/**
 * Who may read a dashboard that has grants: one row per grantee (`role:<role>` or `user:<name>`, src/dashboards/grants.ts).
 * A dashboard without rows is open to its tenant.
 */
export interface DashboardGrantsTable {
  dashboard_id: string;
  grantee: string;
}

/** The dashboard store's tables. */
export interface DashboardDatabase {
  dashboards: DashboardsTable;
  dashboard_versions: DashboardVersionsTable;
  dashboard_grants: DashboardGrantsTable;
}
