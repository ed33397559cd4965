/**
 * The trace store on PostgreSQL (DWCP_TEST_PG_URL, default postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test; every
 * store gets a fresh schema dropped on close) through the trace store contract. Under CI=true an unreachable
 * server fails the suite; elsewhere it is skipped with the reason.
 */
import { openPostgresTraceStore } from '../../../src/traces/store/open.ts';
import { traceStoreContract } from '../../helpers/trace-store-contract.ts';
import { PG_URL, pgSuiteBackend } from '../../helpers/postgres.ts';

traceStoreContract('postgres', () =>
  pgSuiteBackend('dwcp_traces', (schema, opts) =>
    openPostgresTraceStore({ url: PG_URL, schema, dropSchemaOnClose: true }, opts),
  ),
);
