/** What one migration used on its source node, recorded by the v1 and v3 migration metrics alike. */
import { nonNegative } from './validate.ts';

/** Resources of one successful migration (all ≥ 0 and finite). */
export interface MigrationResources {
  /** CPU time spent on the migration (compression, encryption, transport), seconds. */
  readonly cpuSeconds: number;
  /** Peak host memory the migration held (buffers, dirty-page tracking, dictionaries), bytes. */
  readonly hostMemoryPeakBytes: number;
  /** Bytes sent on the wire (after compression, re-sent pages included). */
  readonly sentBytes: number;
}

/**
 * Checks a {@link MigrationResources}.
 * @throws InvalidInputError for a negative or non-finite value.
 */
export function checkResources(r: MigrationResources): MigrationResources {
  nonNegative(r.cpuSeconds, 'migration CPU seconds');
  nonNegative(r.hostMemoryPeakBytes, 'migration peak host memory bytes');
  nonNegative(r.sentBytes, 'migration sent bytes');
  return r;
}
