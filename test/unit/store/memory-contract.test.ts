/** The in-memory stores (src/store/memory/) through the store contract shared with SQLite and PostgreSQL. */
import { MemoryAnomalyStore } from '../../../src/store/memory/anomaly-store.ts';
import { MemoryDetectorStateStore } from '../../../src/store/memory/detector-state-store.ts';
import { MemorySampleStore } from '../../../src/store/memory/sample-store.ts';
import { storeContractSuite } from '../../helpers/store-contract.ts';
import { HOUR } from '../../helpers/store-fixtures.ts';

storeContractSuite('memory', async () => ({
  open: async (o) => ({
    samples: new MemorySampleStore({ retentionMs: HOUR, ...o }),
    anomalies: new MemoryAnomalyStore(),
    states: new MemoryDetectorStateStore(),
  }),
}));
