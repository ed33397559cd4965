/**
 * The log store on PostgreSQL (DWCP_TEST_PG_URL, default postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test; every
 * store gets a fresh schema dropped on close) through the log store contract. Under CI=true an unreachable
 * server fails the suite; elsewhere it is skipped with the reason.
 */
import { openPostgresLogStore } from '../../../src/logs/store/open.ts';
import { logStoreContract } from '../../helpers/log-store-contract.ts';
import { PG_URL, pgSuiteBackend } from '../../helpers/postgres.ts';

logStoreContract('postgres', () =>
  pgSuiteBackend('dwcp_logs', (schema, opts) => openPostgresLogStore({ url: PG_URL, schema, dropSchemaOnClose: true }, opts)),
);
