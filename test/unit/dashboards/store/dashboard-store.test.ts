/** The dashboard store on SQLite (in memory) through the dashboard store contract. */
import { openSqliteDashboardStore } from '../../../../src/dashboards/store/open.ts';
import { dashboardStoreContract } from '../../../helpers/dashboard-store-contract.ts';

dashboardStoreContract('sqlite', async () => ({
  open: (opts) => openSqliteDashboardStore(':memory:', opts),
}));
