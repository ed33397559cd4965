/**
 * The trace store on PostgreSQL (DWCP_TEST_PG_URL, default postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test; every
 * store gets a fresh schema dropped on close) through the trace store contract. Under CI=true an unreachable
 * server fails the suite; elsewhere it is skipped with the reason.
 */
import { openPostgresTraceStore } from '../../../src/traces/store/open.ts';
import { traceStoreContract } from '../../helpers/trace-store-contract.ts';
import { PG_URL, pgSkipReason } from '../../helpers/postgres.ts';

traceStoreContract('postgres', async () => {
  const reason = await pgSkipReason(); // throws under CI=true
  if (reason !== undefined) {
    return { open: () => Promise.reject(new Error('unreachable')), skip: reason };
  }
  const run = `dwcp_traces_${process.pid}_${Date.now().toString(36)}`;
  let n = 0;
  return { open: (opts) => openPostgresTraceStore({ url: PG_URL, schema: `${run}_${n++}`, dropSchemaOnClose: true }, opts) };
});
