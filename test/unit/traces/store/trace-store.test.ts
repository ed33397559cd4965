import { openSqliteTraceStore } from '../../../../src/traces/store/open.ts';
import { traceStoreContract } from '../../../helpers/trace-store-contract.ts';

traceStoreContract('sqlite', () =>
  Promise.resolve({ open: (opts) => openSqliteTraceStore(':memory:', opts) }),
);
