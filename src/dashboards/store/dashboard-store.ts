/**
 * The dashboard store: the current version of each dashboard and a bounded history of versions, on SQLite or
 * PostgreSQL through kysely (tables in ./schema.ts). Every method is scoped to one tenant: a dashboard of
 * another tenant is "not found", never "forbidden", so its existence does not leak. Updates are optimistic: the
 * caller names the version it read, and a write based on an older version is refused (ConflictError).
 */
import type { Role } from '../../contract/auth.ts';
import type { TenantScope } from '../../model/tenant-scope.ts';
import { randomUUID } from 'node:crypto';
import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import { DashboardSpecSchema, type DashboardSpec } from '../../contract/dashboard-spec.ts';
import type { DashboardRecord, DashboardSummary, DashboardVersion } from '../../contract/dashboards.ts';
import { ConflictError, LimitExceededError, NotFoundError, StoreError } from '../../errors.ts';
import { checkPositiveSafeIntegers } from '../../store/validation.ts';
import { grantKeys } from '../grants.ts';
import type { DashboardStoreDialect } from './migrations.ts';
import type { DashboardDatabase, DashboardsTable } from './schema.ts';

/** Bounds of the store. */
export interface DashboardStoreOptions {
  /** Dashboards one tenant may have (default 10 000); more → LimitExceededError. */
  readonly maxPerTenant?: number;
  /** Versions kept per dashboard, the current one included (default 50); older ones are deleted on update. */
  readonly maxVersions?: number;
}

/** Who writes, in which tenant. */
export interface DashboardScope {
  readonly tenantId: string;
  readonly actor: string;
  /** The nodes whose data widgets show (src/model/tenant-scope.ts); absent → every node. */
  readonly nodes?: TenantScope;
  /** The acting user's role, for dashboard and widget grants; absent (authentication disabled) → every dashboard and widget. */
  readonly role?: Role;
}

/** A page request of {@link DashboardStore.list}. */
export interface DashboardListQuery {
  readonly offset: number;
  readonly limit: number;
  /** Case-insensitive substring of the title. */
  readonly search?: string;
  /** Only dashboards without grants or granted to one of these keys (src/dashboards/grants.ts `callerKeys`); absent → every dashboard. */
  readonly grantedTo?: readonly string[];
}

const DEFAULT_MAX_PER_TENANT = 10_000;
const DEFAULT_MAX_VERSIONS = 50;

/** The dashboard store. */
export class DashboardStore {
  readonly db: Kysely<DashboardDatabase>;
  readonly dialect: DashboardStoreDialect;
  readonly maxPerTenant: number;
  readonly maxVersions: number;
  private readonly onClose: (() => Promise<void>) | undefined;
  private closed = false;

  /** @throws InvalidInputError when a bound is not a positive integer */
  constructor(
    db: Kysely<DashboardDatabase>,
    dialect: DashboardStoreDialect,
    opts: DashboardStoreOptions = {},
    onClose?: () => Promise<void>,
  ) {
    this.db = db;
    this.dialect = dialect;
    this.maxPerTenant = opts.maxPerTenant ?? DEFAULT_MAX_PER_TENANT;
    this.maxVersions = opts.maxVersions ?? DEFAULT_MAX_VERSIONS;
    checkPositiveSafeIntegers({ maxPerTenant: this.maxPerTenant, maxVersions: this.maxVersions });
    this.onClose = onClose;
  }

  /**
   * Stores a new dashboard (version 1) owned by `scope.actor`.
   * @throws LimitExceededError when the tenant has `maxPerTenant` dashboards; StoreError on database failure
   */
  async create(scope: DashboardScope, spec: DashboardSpec, nowMs: number): Promise<DashboardRecord> {
    const id = randomUUID();
    return this.run(async () => {
      await this.db.transaction().execute(async (tx) => {
        const { n } = await tx
          .selectFrom('dashboards')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('tenant_id', '=', scope.tenantId)
          .executeTakeFirstOrThrow();
        if (Number(n) >= this.maxPerTenant)
          throw new LimitExceededError(
            `the tenant already has its maximum of ${this.maxPerTenant} dashboards`,
          );
        const json = JSON.stringify(spec);
        await tx
          .insertInto('dashboards')
          .values({
            id,
            tenant_id: scope.tenantId,
            owner: scope.actor,
            title: spec.title,
            tags_json: JSON.stringify(spec.tags),
            widgets: spec.widgets.length,
            version: 1,
            spec_json: json,
            created_at_ms: nowMs,
            updated_at_ms: nowMs,
            updated_by: scope.actor,
          })
          .execute();
        await insertVersion(tx, { id, version: 1, scope, spec, json, nowMs });
        await writeGrants(tx, id, spec);
      });
      return {
        id,
        tenantId: scope.tenantId,
        owner: scope.actor,
        version: 1,
        createdAtMs: nowMs,
        updatedAtMs: nowMs,
        updatedBy: scope.actor,
        dashboard: spec,
      };
    });
  }

  /** The current version, or undefined when the tenant has no dashboard with this id. */
  async get(tenantId: string, id: string): Promise<DashboardRecord | undefined> {
    const row = await this.run(() =>
      this.db
        .selectFrom('dashboards')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst(),
    );
    return row === undefined ? undefined : toRecord(row);
  }

  /** A page of the tenant's dashboards sorted by title (case-insensitive), then id, and how many there are in all. */
  async list(tenantId: string, q: DashboardListQuery): Promise<{ items: DashboardSummary[]; total: number }> {
    return this.run(async () => {
      let base = this.db.selectFrom('dashboards').where('tenant_id', '=', tenantId);
      if (q.search !== undefined && q.search !== '') {
        const pattern = `%${q.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        base = base.where(sql<boolean>`lower(title) like ${pattern} escape '\\'`);
      }
      const keys = q.grantedTo;
      if (keys !== undefined) {
        const grantsOf = (eb: ExpressionBuilder<DashboardDatabase, 'dashboards'>) =>
          eb
            .selectFrom('dashboard_grants')
            .select('dashboard_grants.grantee')
            .whereRef('dashboard_grants.dashboard_id', '=', 'dashboards.id');
        base = base.where((eb) =>
          eb.or([
            eb.not(eb.exists(grantsOf(eb))),
            eb.exists(
              grantsOf(eb).where('dashboard_grants.grantee', 'in', keys.length > 0 ? [...keys] : ['']),
            ),
          ]),
        );
      }
      const { n } = await base
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      const rows = await base
        .select(['id', 'tenant_id', 'owner', 'version', 'title', 'tags_json', 'widgets', 'updated_at_ms'])
        .orderBy(sql`lower(title)`)
        .orderBy('id')
        .limit(q.limit)
        .offset(q.offset)
        .execute();
      const items = rows.map((r) => ({
        id: r.id,
        tenantId: r.tenant_id,
        owner: r.owner,
        version: r.version,
        title: r.title,
        tags: JSON.parse(r.tags_json) as string[],
        widgets: r.widgets,
        updatedAtMs: Number(r.updated_at_ms),
      }));
      return { items, total: Number(n) };
    });
  }

  /**
   * Replaces the dashboard when its current version is `expectedVersion`; the new version is one more. Keeps the
   * newest `maxVersions` versions.
   * @throws NotFoundError when the tenant has no such dashboard; ConflictError when the version is stale
   */
  async update(
    scope: DashboardScope,
    id: string,
    expectedVersion: number,
    spec: DashboardSpec,
    nowMs: number,
  ): Promise<DashboardRecord> {
    return this.run(async () => {
      const next = expectedVersion + 1;
      const json = JSON.stringify(spec);
      await this.db.transaction().execute(async (tx) => {
        const res = await tx
          .updateTable('dashboards')
          .set({
            title: spec.title,
            tags_json: JSON.stringify(spec.tags),
            widgets: spec.widgets.length,
            version: next,
            spec_json: json,
            updated_at_ms: nowMs,
            updated_by: scope.actor,
          })
          .where('tenant_id', '=', scope.tenantId)
          .where('id', '=', id)
          .where('version', '=', expectedVersion)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) await this.refuse(tx, scope.tenantId, id, expectedVersion);
        await insertVersion(tx, { id, version: next, scope, spec, json, nowMs });
        await tx
          .deleteFrom('dashboard_versions')
          .where('dashboard_id', '=', id)
          .where('version', '<=', next - this.maxVersions)
          .execute();
        await tx.deleteFrom('dashboard_grants').where('dashboard_id', '=', id).execute();
        await writeGrants(tx, id, spec);
      });
      const rec = await this.get(scope.tenantId, id);
      if (rec === undefined) throw new NotFoundError(`dashboard ${id} not found`);
      return rec;
    });
  }

  /**
   * Deletes the dashboard and its versions; with `expectedVersion`, only when it is the current version.
   * @returns the deleted dashboard
   * @throws NotFoundError when the tenant has no such dashboard; ConflictError when the version is stale
   */
  async delete(tenantId: string, id: string, expectedVersion?: number): Promise<DashboardRecord> {
    return this.run(() =>
      this.db.transaction().execute(async (tx) => {
        const row = await tx
          .selectFrom('dashboards')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (row === undefined) throw new NotFoundError(`dashboard ${id} not found`);
        if (expectedVersion !== undefined && row.version !== expectedVersion)
          throw staleVersion(id, expectedVersion, row.version);
        const res = await tx
          .deleteFrom('dashboards')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .where('version', '=', row.version)
          .executeTakeFirst();
        if (Number(res.numDeletedRows) === 0)
          throw new ConflictError(`dashboard ${id} changed while it was being deleted; read it again`);
        await tx.deleteFrom('dashboard_versions').where('dashboard_id', '=', id).execute();
        await tx.deleteFrom('dashboard_grants').where('dashboard_id', '=', id).execute();
        return toRecord(row);
      }),
    );
  }

  /** The kept versions of a dashboard, newest first. @throws NotFoundError when the tenant has no such dashboard */
  async versions(tenantId: string, id: string): Promise<DashboardVersion[]> {
    return this.run(async () => {
      const rows = await this.db
        .selectFrom('dashboard_versions')
        .select(['version', 'updated_at_ms', 'updated_by', 'title'])
        .where('tenant_id', '=', tenantId)
        .where('dashboard_id', '=', id)
        .orderBy('version', 'desc')
        .execute();
      if (rows.length === 0) throw new NotFoundError(`dashboard ${id} not found`);
      return rows.map((r) => ({
        version: r.version,
        updatedAtMs: Number(r.updated_at_ms),
        updatedBy: r.updated_by,
        title: r.title,
      }));
    });
  }

  /** One kept version's spec. @throws NotFoundError when the dashboard or that version is not kept */
  async version(tenantId: string, id: string, version: number): Promise<DashboardSpec> {
    const row = await this.run(() =>
      this.db
        .selectFrom('dashboard_versions')
        .select('spec_json')
        .where('tenant_id', '=', tenantId)
        .where('dashboard_id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst(),
    );
    if (row === undefined) throw new NotFoundError(`dashboard ${id} has no kept version ${version}`);
    return parseSpec(row.spec_json);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
    await this.onClose?.();
  }

  /** Why a conditional update matched no row: unknown dashboard (404) or a newer version (409). */
  private async refuse(
    tx: Kysely<DashboardDatabase>,
    tenantId: string,
    id: string,
    expected: number,
  ): Promise<never> {
    const row = await tx
      .selectFrom('dashboards')
      .select('version')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError(`dashboard ${id} not found`);
    throw staleVersion(id, expected, row.version);
  }

  /** Runs a database call; errors of this project pass through, others become StoreError. */
  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('DWCP_'))
        throw e;
      throw new StoreError(`dashboard store: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}

function staleVersion(id: string, expected: number, current: number): ConflictError {
  return new ConflictError(
    `dashboard ${id} is at version ${current}, not ${expected}: it was changed by someone else; read it again and reapply the change`,
  );
}

/** Appends one row to a dashboard's version history (the spec as stored, who changed it and when). */
async function insertVersion(
  tx: Kysely<DashboardDatabase>,
  v: { id: string; version: number; scope: DashboardScope; spec: DashboardSpec; json: string; nowMs: number },
): Promise<void> {
  await tx
    .insertInto('dashboard_versions')
    .values({
      dashboard_id: v.id,
      version: v.version,
      tenant_id: v.scope.tenantId,
      title: v.spec.title,
      spec_json: v.json,
      updated_at_ms: v.nowMs,
      updated_by: v.scope.actor,
    })
    .execute();
}

/** Stores the grantees of a dashboard's grants (none when it is open to the tenant). */
async function writeGrants(tx: Kysely<DashboardDatabase>, id: string, spec: DashboardSpec): Promise<void> {
  const keys = grantKeys(spec.grants);
  if (keys.length > 0)
    await tx
      .insertInto('dashboard_grants')
      .values(keys.map((grantee) => ({ dashboard_id: id, grantee })))
      .execute();
}

function parseSpec(json: string): DashboardSpec {
  return DashboardSpecSchema.parse(JSON.parse(json));
}

function toRecord(row: Selectable<DashboardsTable>): DashboardRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    owner: row.owner,
    version: row.version,
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
    updatedBy: row.updated_by,
    dashboard: parseSpec(row.spec_json),
  };
}
