/** The auth store on SQLite (in memory) through the auth store contract. */
import { openSqliteAuthStore } from '../../../src/auth/open.ts';
import { authStoreContract } from '../../helpers/auth-store-contract.ts';

authStoreContract('sqlite', async () => ({ open: (opts) => openSqliteAuthStore(':memory:', opts) }));
