/**
 * The dashboard store on PostgreSQL (DWCP_TEST_PG_URL, default postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test; every
 * store gets a fresh schema dropped on close) through the dashboard store contract. Under CI=true an unreachable
 * server fails the suite; elsewhere it is skipped with the reason.
 */
import { openPostgresDashboardStore } from '../../../src/dashboards/store/open.ts';
import { dashboardStoreContract } from '../../helpers/dashboard-store-contract.ts';
import { PG_URL, pgSuiteBackend } from '../../helpers/postgres.ts';

dashboardStoreContract('postgres', () =>
  pgSuiteBackend('dwcp_dash', (schema, opts) =>
    openPostgresDashboardStore({ url: PG_URL, schema, dropSchemaOnClose: true }, opts),
  ),
);
