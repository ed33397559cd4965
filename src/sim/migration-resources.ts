/**
 * What a simulated migration uses on its source node: CPU time, peak host memory and bytes sent. Deterministic
 * functions of the migration already drawn (guest memory, duration, compression ratio), so that recording them
 * draws nothing from the node's generator and leaves every other series of a seeded run unchanged.
 *
 * - CPU: compressing and encrypting the guest memory costs {@link COMPRESS_CPU_SECONDS_PER_GIB} per GiB (one core
 *   at about 1.7 GiB/s, zstd's fast levels), times the version's work factor (a v3 regression that makes v3 slower
 *   does that much more work); the transport (TCP streams, page tracking) keeps {@link TRANSPORT_CORES} of a core
 *   busy for the whole migration, so a slower migration also costs more CPU.
 * - Peak host memory: a fixed {@link BASE_HOST_MEMORY_BYTES} of send buffers and dictionaries, the dirty-page
 *   bitmap and staging of 1/64 of the guest memory, and the pages dirtied while the migration runs
 *   ({@link DIRTY_BYTES_PER_SECOND}, at most a quarter of the guest memory): a longer migration holds more.
 * - Bytes sent: guest memory ÷ compression ratio.
 * @see C. Clark et al., "Live migration of virtual machines", NSDI 2005 (pre-copy, dirty pages re-sent)
 */
import type { MigrationResources } from '../sdk/migration-resources.ts';

/** CPU seconds per GiB of guest memory compressed and encrypted. */
export const COMPRESS_CPU_SECONDS_PER_GIB = 0.6;
/** Cores the transport keeps busy during a migration. */
export const TRANSPORT_CORES = 0.15;
/** Host memory every migration holds (buffers, dictionaries), bytes. */
export const BASE_HOST_MEMORY_BYTES = 64 * 2 ** 20;
/** Rate at which the guest dirties pages the migration must hold, bytes/s. */
export const DIRTY_BYTES_PER_SECOND = 4 * 2 ** 20;

const GIB = 2 ** 30;

/**
 * Resources of one migration.
 * @param memoryBytes guest memory, bytes
 * @param seconds the migration's duration, seconds
 * @param ratio compression ratio in effect (≥ 1 counts)
 * @param workFactor the version's work per byte relative to a healthy v3 (1; a v3 regression's magnitude)
 */
export function migrationResources(
  memoryBytes: number,
  seconds: number,
  ratio: number,
  workFactor = 1,
): MigrationResources {
  const dirty = Math.min(memoryBytes / 4, DIRTY_BYTES_PER_SECOND * seconds);
  return {
    cpuSeconds: workFactor * COMPRESS_CPU_SECONDS_PER_GIB * (memoryBytes / GIB) + TRANSPORT_CORES * seconds,
    hostMemoryPeakBytes: BASE_HOST_MEMORY_BYTES + memoryBytes / 64 + dirty,
    sentBytes: memoryBytes / Math.max(1, ratio),
  };
}
