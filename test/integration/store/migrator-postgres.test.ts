/**
 * The shared migration runner on PostgreSQL while another client keeps creating and dropping tables in a schema
 * of its own: migrations in our schema must not notice (kysely's default introspector reads every schema's columns
 * and failed here with "column ... of relation ... does not exist"). Under CI=true an unreachable server fails the
 * suite; elsewhere it is skipped with the reason.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Kysely, PostgresDialect, sql, type Migration } from 'kysely';
import { runMigrations, withScopedIntrospection } from '../../../src/store/migrator.ts';
import { PG_URL, dropSchema, freshSchema, pgSkipReason } from '../../helpers/postgres.ts';
import { StoreError } from '../../../src/errors.ts';

const ROUNDS = 12;

function migrationsCreating(table: string): Record<string, Migration> {
  return {
    '0001_create': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable(table)
          .addColumn('id', 'serial', (c) => c.primaryKey())
          .addColumn('key', 'text')
          .execute();
      },
    },
  };
}

describe('runMigrations on PostgreSQL', async () => {
  const skip = await pgSkipReason();
  const churnSchema = freshSchema('dwcp_churn');
  const ours: string[] = [];

  before(async () => {
    if (skip !== undefined) return;
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`create schema ${churnSchema}`);
    await c.end();
  });

  after(async () => {
    if (skip !== undefined) return;
    for (const s of [churnSchema, ...ours]) await dropSchema(s);
  });

  it('applies migrations in its own schema while another schema churns', { skip }, async () => {
    const churn = new pg.Client({ connectionString: PG_URL });
    await churn.connect();
    let stop = false;
    let churned = 0;
    const churning = (async () => {
      for (let i = 0; !stop && i < 10_000; i++) {
        await churn.query(`create table ${churnSchema}.t${i % 4} (key text, v serial)`);
        await churn.query(`drop table ${churnSchema}.t${i % 4}`);
        churned++;
      }
    })();
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const schema = freshSchema('dwcp_mig');
        ours.push(schema);
        const pool = new pg.Pool({ connectionString: PG_URL, max: 2, options: `-c search_path=${schema}` });
        const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
        try {
          await sql`create schema ${sql.id(schema)}`.execute(db);
          await runMigrations(db, {
            migrations: migrationsCreating('series'),
            dialect: 'postgres',
            schema,
            tableName: 'kysely_migration_t',
            lockTableName: 'kysely_migration_lock_t',
            label: 'test',
          });
          // A second run finds its bookkeeping and applies nothing.
          await runMigrations(db, {
            migrations: migrationsCreating('series'),
            dialect: 'postgres',
            schema,
            tableName: 'kysely_migration_t',
            lockTableName: 'kysely_migration_lock_t',
            label: 'test',
          });
          const rows = await sql<{
            n: string;
          }>`select count(*) as n from information_schema.tables where table_schema = ${schema}`.execute(db);
          assert.equal(Number(rows.rows[0]?.n), 3, 'series + the two bookkeeping tables');
        } finally {
          await db.destroy();
        }
      }
    } finally {
      stop = true;
      await churning;
      await churn.end();
    }
    assert.ok(churned > 0, 'the other schema really churned during the migrations');
  });

  it('scoped introspection sees only its schema', { skip }, async () => {
    const schema = freshSchema('dwcp_mig');
    ours.push(schema);
    const pool = new pg.Pool({ connectionString: PG_URL, max: 1 });
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    try {
      await sql`create schema ${sql.id(schema)}`.execute(db);
      await sql`create table ${sql.id(schema, 'only_here')} (x int)`.execute(db);
      const tables = await withScopedIntrospection(db, schema).introspection.getTables();
      assert.deepEqual(
        tables.map((t) => `${t.schema}.${t.name}`),
        [`${schema}.only_here`],
      );
    } finally {
      await db.destroy();
    }
  });

  it(
    'a search_path naming no existing schema: a StoreError saying the migrations could not start and what to create',
    { skip },
    async () => {
      const missing = freshSchema('dwcp_missing');
      const pool = new pg.Pool({ connectionString: PG_URL, max: 1, options: `-c search_path=${missing}` });
      const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
      try {
        await assert.rejects(
          runMigrations(db, {
            migrations: migrationsCreating('series'),
            dialect: 'postgres',
            label: 'store',
          }),
          (e: unknown) => {
            assert.ok(e instanceof StoreError);
            assert.match(
              e.message,
              /^store migrations could not start: no schema has been selected to create in \(the schemas of the connection's search_path do not exist: create the schema the URL's options name first\)$/,
            );
            return true;
          },
        );
      } finally {
        await db.destroy();
      }
    },
  );

  it('a failing migration is a StoreError naming the system and the migration', { skip }, async () => {
    const schema = freshSchema('dwcp_mig');
    ours.push(schema);
    const pool = new pg.Pool({ connectionString: PG_URL, max: 2, options: `-c search_path=${schema}` });
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    try {
      await sql`create schema ${sql.id(schema)}`.execute(db);
      const bad: Record<string, Migration> = {
        '0001_bad': {
          up: (d: Kysely<unknown>) => sql`select * from no_such_table`.execute(d).then(() => undefined),
        },
      };
      await assert.rejects(
        runMigrations(db, { migrations: bad, dialect: 'postgres', schema, label: 'sample system' }),
        (e: unknown) => e instanceof StoreError && /sample system migration 0001_bad failed/.test(e.message),
      );
    } finally {
      await db.destroy();
    }
  });
});
