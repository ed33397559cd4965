/**
 * The trace store on PostgreSQL (DWCP_TEST_PG_URL, default postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test; every
 * store gets a fresh schema dropped on close) through the trace store contract. Under CI=true an unreachable
 * server fails the suite; elsewhere it is skipped with the reason.
 */
import pg from 'pg';
import { openPostgresTraceStore } from '../../../src/traces/store/open.ts';
import { traceStoreContract } from '../../helpers/trace-store-contract.ts';

const PG_URL = process.env.DWCP_TEST_PG_URL ?? 'postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test';

async function pgReachable(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await c.end().catch(() => undefined);
  }
}

traceStoreContract('postgres', async () => {
  const reason = await pgReachable();
  if (reason !== undefined) {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL is required in CI (CI=true) but ${PG_URL} is unreachable: ${reason}`);
    return { open: () => Promise.reject(new Error('unreachable')), skip: `PostgreSQL at ${PG_URL} unreachable: ${reason}` };
  }
  const run = `dwcp_traces_${process.pid}_${Date.now().toString(36)}`;
  let n = 0;
  return { open: (opts) => openPostgresTraceStore({ url: PG_URL, schema: `${run}_${n++}`, dropSchemaOnClose: true }, opts) };
});
