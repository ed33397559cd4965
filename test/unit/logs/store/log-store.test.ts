import { openSqliteLogStore } from '../../../../src/logs/store/open.ts';
import { logStoreContract } from '../../../helpers/log-store-contract.ts';

logStoreContract('sqlite', () => Promise.resolve({ open: (opts) => openSqliteLogStore(':memory:', opts) }));
