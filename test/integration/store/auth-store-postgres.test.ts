/**
 * The auth store on PostgreSQL (DWCP_TEST_PG_URL, default postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test; every
 * store gets a fresh schema dropped on close) through the auth store contract. Under CI=true an unreachable
 * server fails the suite; elsewhere it is skipped with the reason.
 */
import { openPostgresAuthStore } from '../../../src/auth/open.ts';
import { authStoreContract } from '../../helpers/auth-store-contract.ts';
import { PG_URL, pgSuiteBackend } from '../../helpers/postgres.ts';

authStoreContract('postgres', () =>
  pgSuiteBackend('dwcp_auth', (schema, opts) =>
    openPostgresAuthStore({ url: PG_URL, schema, dropSchemaOnClose: true }, opts),
  ),
);
