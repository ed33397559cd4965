/**
 * The store contract: one suite every backend runs (in memory: test/unit/store/memory-contract.test.ts;
 * SQLite and PostgreSQL: test/integration/store/). It checks behaviour through the narrow interfaces of
 * src/store/types.ts only, in three parts (samples, anomalies, detector states); backend-specific facts (the
 * SQL id cache, rows planted with raw SQL, the in-memory bounds) are tested next to each backend.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anomalyStoreContract } from './store-contract-anomalies.ts';
import { detectorStateStoreContract } from './store-contract-detector-states.ts';
import { sampleStoreContract } from './store-contract-samples.ts';
import type { ContractOpener, StoreUnderTest } from './store-fixtures.ts';
import { backendHarness, type ContractTest, type SuiteBackend } from './store-suite.ts';

/** What a backend gives the suite: an opener, or a reason to skip (an unreachable server outside CI). */
export type ContractBackend = SuiteBackend<{ allowNonFinite?: boolean }, StoreUnderTest>;

/**
 * Registers the contract suite for one backend. `setup` runs once (in `before`); every store the suite opens
 * is closed in `after` (closing is idempotent), then `cleanup` runs. `notApplicable` names cases that describe
 * another layout's behaviour, each with the reason: they are reported as skipped with it.
 */
export function storeContractSuite(
  backend: string,
  setup: () => Promise<ContractBackend>,
  notApplicable: Readonly<Record<string, string>> = {},
): void {
  describe(`store contract (${backend})`, () => {
    const h = backendHarness<{ allowNonFinite?: boolean }, StoreUnderTest, ContractBackend>(setup, (st) =>
      st.samples.close(),
    );
    const open: ContractOpener = (o = {}) => h.open(o);
    const seen = new Set<string>();
    const test: ContractTest = (name, fn) => {
      seen.add(name);
      const why = notApplicable[name];
      if (why === undefined) h.test(name, fn);
      else it(name, (t) => t.skip(`not this backend's behaviour: ${why}`));
    };
    sampleStoreContract(test, open);
    anomalyStoreContract(test, open);
    detectorStateStoreContract(test, open);
    it('every case named as not applicable exists in the contract', () => {
      assert.deepEqual(
        Object.keys(notApplicable).filter((n) => !seen.has(n)),
        [],
      );
    });
  });
}
