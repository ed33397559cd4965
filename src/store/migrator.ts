/**
 * One way to run a system's kysely migrations (store, chunks, traces, alerting, profiles, ...), with an
 * introspector that looks only at the schemas the migrations use.
 *
 * Why not kysely's own introspector: its `getTables` reads every column of every schema and calls
 * `pg_get_serial_sequence` per column; when another client drops a table in some other schema at the same moment
 * (another tenant's schema, another application, a parallel test), PostgreSQL answers "column ... of relation ...
 * does not exist" and the migration fails although nothing of ours changed. The migrator only needs to know
 * whether its own bookkeeping tables exist, so this introspector asks exactly that of `information_schema.tables`,
 * limited to the migration schema (or the connection's search path).
 */
import { Kysely, Migrator, sql } from 'kysely';
import type {
  DatabaseIntrospector,
  DatabaseMetadata,
  Migration,
  MigrationProvider,
  SchemaMetadata,
  TableMetadata,
} from 'kysely';
import { StoreError } from '../errors.ts';

/** What {@link runMigrations} needs. */
export interface MigrationRun {
  /** The system's migrations by name (applied in name order). */
  readonly migrations: Readonly<Record<string, Migration>>;
  /** `sqlite` or `postgres`: only PostgreSQL gets the schema-scoped introspector. */
  readonly dialect: 'sqlite' | 'postgres';
  /** kysely's bookkeeping table; each system has its own so migration names never collide. */
  readonly tableName?: string;
  /** kysely's lock table, paired with {@link tableName}. */
  readonly lockTableName?: string;
  /** PostgreSQL schema of the bookkeeping tables (the system's tables follow the connection's search_path). */
  readonly schema?: string;
  /** Names the system in error messages, e.g. "trace store". */
  readonly label: string;
}

/**
 * Applies every pending migration of one system.
 * @throws StoreError when a migration fails; the message names the system and the migration, the cause is the
 *   driver's error.
 * @see https://kysely.dev/docs/migrations
 */
export async function runMigrations(db: Kysely<unknown>, run: MigrationRun): Promise<void> {
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve({ ...run.migrations }) };
  const migrator = new Migrator({
    db: run.dialect === 'postgres' ? withScopedIntrospection(db, run.schema) : db,
    provider,
    ...(run.tableName === undefined ? {} : { migrationTableName: run.tableName }),
    ...(run.lockTableName === undefined ? {} : { migrationLockTableName: run.lockTableName }),
    ...(run.schema === undefined ? {} : { migrationTableSchema: run.schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const why = `${error instanceof Error ? error.message : String(error)}${hintFor(error)}`;
    throw new StoreError(
      failed === undefined
        ? `${run.label} migrations could not start: ${why}`
        : `${run.label} migration ${failed} failed: ${why}`,
      { cause: error },
    );
  }
}

/** PostgreSQL's `invalid_schema_name`: nothing to create tables in (the search_path names no existing schema). */
const PG_INVALID_SCHEMA_NAME = '3F000';

/** What to do about a driver error an operator can fix, after its own message ('' for the others). */
function hintFor(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === PG_INVALID_SCHEMA_NAME
    ? " (the schemas of the connection's search_path do not exist: create the schema the URL's options name first)"
    : '';
}

/**
 * The same database handle whose `introspection` sees only `schema` (or, without one, the schemas of the
 * connection's search path). Every other member is the original's, bound to it.
 */
export function withScopedIntrospection(db: Kysely<unknown>, schema: string | undefined): Kysely<unknown> {
  const introspection = scopedIntrospector(db, schema);
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'introspection') return introspection;
      // Getters and methods run on the original: kysely keeps its state in private fields.
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Tables (names and schemas only; no columns) of the scoped schemas, from information_schema. */
function scopedIntrospector(db: Kysely<unknown>, schema: string | undefined): DatabaseIntrospector {
  const getTables = async (): Promise<TableMetadata[]> => {
    const scope =
      schema === undefined ? sql`table_schema = any (current_schemas(false))` : sql`table_schema = ${schema}`;
    const rows = await sql<{ name: string; schema: string; type: string }>`
      select table_name as name, table_schema as schema, table_type as type
      from information_schema.tables where ${scope}`.execute(db);
    return rows.rows.map((r) => ({ name: r.name, schema: r.schema, isView: r.type === 'VIEW', columns: [] }));
  };
  return {
    async getSchemas(): Promise<SchemaMetadata[]> {
      const rows = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace`.execute(
        db,
      );
      return rows.rows.map((r) => ({ name: r.name }));
    },
    getTables,
    async getMetadata(): Promise<DatabaseMetadata> {
      return { tables: await getTables() };
    },
  };
}
