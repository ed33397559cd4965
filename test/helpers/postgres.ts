/** PostgreSQL for store suites: the URL, a reachability check, fresh schema names, and a suite backend. */
import pg from 'pg';
import type { SuiteBackend } from './store-suite.ts';

/** DWCP_TEST_PG_URL, default postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test. */
export const PG_URL = process.env.DWCP_TEST_PG_URL ?? 'postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test';

/**
 * Undefined when PostgreSQL answers; otherwise the reason. Under CI=true an unreachable server throws, because
 * CI starts PostgreSQL and a skip would hide a broken setup.
 * @throws Error when CI=true and the server is unreachable.
 */
export async function pgSkipReason(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return undefined;
  } catch (e) {
    const why = `PostgreSQL not reachable at ${PG_URL}: ${e instanceof Error ? e.message : String(e)}`;
    if (process.env.CI === 'true') throw new Error(why);
    return why;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** A schema name no other run uses. */
export function freshSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
}

/** Drops a schema made by a test (cascade). */
export async function dropSchema(schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await c.end();
  }
}

/**
 * A store suite's PostgreSQL backend: `open(schema, options)` with a fresh schema (`prefix_…`) for every store, or
 * the reason PostgreSQL is unreachable as a skip (under CI=true an unreachable server throws, see {@link pgSkipReason}).
 */
export async function pgSuiteBackend<O, S>(
  prefix: string,
  open: (schema: string, o: O) => Promise<S>,
): Promise<SuiteBackend<O, S>> {
  const reason = await pgSkipReason();
  if (reason !== undefined) return { open: () => Promise.reject(new Error(reason)), skip: reason };
  return { open: (o) => open(freshSchema(prefix), o) };
}
