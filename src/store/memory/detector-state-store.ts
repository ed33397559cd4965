/**
 * `DetectorStateStore` in process memory, bounded: beyond `maxStates` the states a newest-first load would
 * return last (oldest checkpoint, then highest series key) are dropped after each save. States are kept as
 * the same JSON text the SQL stores write (./detector-state-codec.ts), so every load returns fresh copies and
 * the same rows are accepted and rejected on every backend (test/helpers/store-contract.ts).
 */
import {
  decodeDetectorStates,
  encodeDetectorStates,
  type EncodedDetectorState,
} from '../detector-state-codec.ts';
import type {
  DetectorStateRow,
  DetectorStateStore,
  LoadDetectorStatesResult,
  SaveDetectorStatesResult,
} from '../types.ts';
import { checkCutoff, checkLimit, checkPositiveInteger } from '../validation.ts';

/** Default {@link MemoryDetectorStateStoreOptions.maxStates}. */
export const DEFAULT_MEMORY_MAX_STATES = 100_000;

/** Options of {@link MemoryDetectorStateStore}. */
export interface MemoryDetectorStateStoreOptions {
  /** States held at most (a positive integer; default 100 000). */
  readonly maxStates?: number;
}

/** Load order: newest checkpoint first, ties by series key in code-unit (byte) order. */
function newestFirst(a: EncodedDetectorState, b: EncodedDetectorState): number {
  return (
    b.updatedAtMs - a.updatedAtMs || (a.seriesKey < b.seriesKey ? -1 : a.seriesKey > b.seriesKey ? 1 : 0)
  );
}

/** Detector states in memory (see the module comment). */
export class MemoryDetectorStateStore implements DetectorStateStore {
  readonly maxStates: number;
  private readonly states = new Map<string, EncodedDetectorState>();

  /** @throws InvalidInputError when `maxStates` is not a positive integer. */
  constructor(opts: MemoryDetectorStateStoreOptions = {}) {
    this.maxStates = checkPositiveInteger('maxStates', opts.maxStates ?? DEFAULT_MEMORY_MAX_STATES);
  }

  /** States held (at most `maxStates`). */
  get size(): number {
    return this.states.size;
  }

  /**
   * Upserts detector states (see `DetectorStateStore.saveDetectorStates`), then drops the oldest beyond
   * `maxStates`.
   * @throws InvalidInputError on an invalid row (nothing stored).
   */
  async saveDetectorStates(rows: readonly DetectorStateRow[]): Promise<SaveDetectorStatesResult> {
    const { encoded, rejected } = encodeDetectorStates(rows);
    for (const e of encoded) this.states.set(e.seriesKey, e);
    if (this.states.size > this.maxStates) {
      for (const e of [...this.states.values()].sort(newestFirst).slice(this.maxStates))
        this.states.delete(e.seriesKey);
    }
    return { saved: encoded.length, rejected };
  }

  /**
   * At most `limit` stored states, newest first (ties by series key). `malformed` is always 0: only encoded
   * states are ever held.
   * @throws InvalidInputError on a bad limit.
   */
  async loadDetectorStates(limit: number): Promise<LoadDetectorStatesResult> {
    checkLimit(limit);
    return decodeDetectorStates(
      [...this.states.values()]
        .sort(newestFirst)
        .slice(0, limit)
        .map((e) => ({
          seriesKey: e.seriesKey,
          detector: e.detector,
          version: e.version,
          stateJson: e.stateJson,
          updatedAt: e.updatedAtMs,
        })),
    );
  }

  /**
   * Deletes states checkpointed before `cutoffMs` (updatedAtMs < ceil(cutoffMs)). Returns how many were deleted.
   * @throws InvalidInputError when `cutoffMs` is not finite.
   */
  async deleteDetectorStatesOlderThan(cutoffMs: number): Promise<number> {
    checkCutoff(cutoffMs);
    const cutoff = Math.ceil(cutoffMs);
    let n = 0;
    for (const [k, e] of this.states) {
      if (e.updatedAtMs < cutoff) {
        this.states.delete(k);
        n++;
      }
    }
    return n;
  }
}
