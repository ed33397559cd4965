/**
 * The store contract: one suite every backend runs (in memory: test/unit/store/memory-contract.test.ts;
 * SQLite and PostgreSQL: test/integration/store/). It checks behaviour through the narrow interfaces of
 * src/store/types.ts only, in three parts (samples, anomalies, detector states); backend-specific facts (the
 * SQL id cache, rows planted with raw SQL, the in-memory bounds) are tested next to each backend.
 */
import { after, before, describe, it } from 'node:test';
import { anomalyStoreContract } from './store-contract-anomalies.ts';
import { detectorStateStoreContract } from './store-contract-detector-states.ts';
import { sampleStoreContract } from './store-contract-samples.ts';
import type { ContractOpener, ContractTest, StoreUnderTest } from './store-fixtures.ts';

/** What a backend gives the suite: an opener, or a reason to skip (an unreachable server outside CI). */
export interface ContractBackend {
  readonly open: (o: { allowNonFinite?: boolean }) => Promise<StoreUnderTest>;
  readonly skip?: string;
  readonly cleanup?: () => void | Promise<void>;
}

/**
 * Registers the contract suite for one backend. `setup` runs once (in `before`); every store the suite opens
 * is closed in `after` (closing is idempotent), then `cleanup` runs.
 */
export function storeContractSuite(backend: string, setup: () => Promise<ContractBackend>): void {
  describe(`store contract (${backend})`, () => {
    let b: ContractBackend | undefined;
    const opened: StoreUnderTest[] = [];
    const open: ContractOpener = async (o = {}) => {
      const st = await b!.open(o);
      opened.push(st);
      return st;
    };
    before(async () => {
      b = await setup();
    });
    after(async () => {
      for (const st of opened) await st.samples.close();
      await b?.cleanup?.();
    });
    const test: ContractTest = (name, fn) =>
      it(name, async (t) => {
        if (b?.skip !== undefined) return t.skip(b.skip);
        await fn();
      });
    sampleStoreContract(test, open);
    anomalyStoreContract(test, open);
    detectorStateStoreContract(test, open);
  });
}
