/**
 * `AnomalyStore` in process memory, bounded: beyond `maxAnomalies` an insert prunes like `prune` does
 * (resolved anomalies first, oldest started first, then the oldest active ones). Same contract as the SQL
 * stores (test/helpers/store-contract.ts): ids start at 1 and are never reused, anomalies are kept as
 * `storedAnomaly` makes them (as the SQL stores return them), every read returns copies.
 */
import { NotFoundError } from '../../errors.ts';
import type { Anomaly, AnomalyResolution } from '../../model/anomaly.ts';
import { severityRank } from '../../model/dwcp.ts';
import { allowsLabels } from '../../model/tenant-scope.ts';
import { checkAnomalyTime, checkAnomalyTimes, storedAnomaly } from '../anomaly-codec.ts';
import type { AnomalyFilter, AnomalyStore } from '../types.ts';
import { checkLimit, checkMaxAnomalies, checkPositiveInteger } from '../validation.ts';

/** Default {@link MemoryAnomalyStoreOptions.maxAnomalies}. */
export const DEFAULT_MEMORY_MAX_ANOMALIES = 10_000;

/** Options of {@link MemoryAnomalyStore}. */
export interface MemoryAnomalyStoreOptions {
  /** Anomalies held at most (a positive integer; default 10 000). */
  readonly maxAnomalies?: number;
}

function copy(a: Anomaly): Anomaly {
  return { ...a, labels: { ...a.labels }, votes: a.votes.map((v) => ({ ...v })) };
}

/** Newest first: started_at desc, then id desc (the order of `list`). */
function newestFirst(a: Anomaly, b: Anomaly): number {
  return b.startedAtMs - a.startedAtMs || b.id - a.id;
}

/** Prune order: resolved before active, then oldest started first, then lowest id. */
function pruneFirst(a: Anomaly, b: Anomaly): number {
  return (
    (a.resolvedAtMs === null ? 1 : 0) - (b.resolvedAtMs === null ? 1 : 0) ||
    a.startedAtMs - b.startedAtMs ||
    a.id - b.id
  );
}

/** Anomaly history in memory (see the module comment). */
export class MemoryAnomalyStore implements AnomalyStore {
  readonly maxAnomalies: number;
  /** By id, in id order. */
  private readonly items = new Map<number, Anomaly>();
  private nextId = 1;

  /** @throws InvalidInputError when `maxAnomalies` is not a positive integer. */
  constructor(opts: MemoryAnomalyStoreOptions = {}) {
    this.maxAnomalies = checkPositiveInteger(
      'maxAnomalies',
      opts.maxAnomalies ?? DEFAULT_MEMORY_MAX_ANOMALIES,
    );
  }

  /** Anomalies held (at most `maxAnomalies`). */
  get size(): number {
    return this.items.size;
  }

  /**
   * Stores an anomaly as every backend does (`storedAnomaly`: at most `MAX_STORED_VOTES` votes, -0 as +0),
   * returns it with its new id, then enforces the bound.
   * @throws InvalidInputError when a time is not an integer in ms.
   */
  async insert(a: Omit<Anomaly, 'id'>): Promise<Anomaly> {
    checkAnomalyTimes(a);
    const stored = storedAnomaly(a, this.nextId++);
    this.items.set(stored.id, stored);
    if (this.items.size > this.maxAnomalies) this.pruneTo(this.maxAnomalies);
    return copy(stored);
  }

  /**
   * Marks an anomaly resolved at `resolvedAtMs`, with `reason` as its `resolution` (see AnomalyStore.resolve).
   * @throws InvalidInputError when `resolvedAtMs` is not an integer in ms. @throws NotFoundError when no
   * anomaly has this id.
   */
  async resolve(id: number, resolvedAtMs: number, reason: AnomalyResolution): Promise<void> {
    checkAnomalyTime('resolvedAtMs', resolvedAtMs);
    const a = this.items.get(id);
    if (a === undefined) throw new NotFoundError(`anomaly ${id} not found`);
    this.items.set(id, { ...a, resolvedAtMs, resolution: reason });
  }

  /** Marks an anomaly acknowledged and returns it. @throws NotFoundError when no anomaly has this id. */
  async acknowledge(id: number): Promise<Anomaly> {
    const a = this.items.get(id);
    if (a === undefined) throw new NotFoundError(`anomaly ${id} not found`);
    const acked = { ...a, acknowledged: true };
    this.items.set(id, acked);
    return copy(acked);
  }

  /**
   * Anomalies matching the filter (startedAtMs in [startMs, endMs], component, exact severity and/or minimum
   * severity), newest first (started desc, then id desc), at most `limit`.
   * @throws InvalidInputError on a bad limit.
   */
  async list(f: AnomalyFilter): Promise<Anomaly[]> {
    checkLimit(f.limit);
    const minRank = f.minSeverity === undefined ? undefined : severityRank(f.minSeverity);
    const out: Anomaly[] = [];
    for (const a of this.items.values()) {
      if (f.startMs !== undefined && !(a.startedAtMs >= f.startMs)) continue;
      if (f.endMs !== undefined && !(a.startedAtMs <= f.endMs)) continue;
      if (f.component !== undefined && a.component !== f.component) continue;
      if (f.severity !== undefined && a.severity !== f.severity) continue;
      if (minRank !== undefined && severityRank(a.severity) < minRank) continue;
      if (f.id !== undefined && a.id !== f.id) continue;
      if (f.scope !== undefined && !allowsLabels(f.scope, a.labels)) continue;
      out.push(a);
    }
    return out.sort(newestFirst).slice(0, f.limit).map(copy);
  }

  /**
   * Open anomalies (no `resolvedAtMs`), newest first (started desc, then id desc), at most `limit`.
   * @throws InvalidInputError on a bad limit.
   */
  async listOpen(limit: number): Promise<Anomaly[]> {
    checkLimit(limit);
    const out = [...this.items.values()].filter((a) => a.resolvedAtMs === null);
    return out.sort(newestFirst).slice(0, limit).map(copy);
  }

  /**
   * Keeps at most `maxAnomalies`: deletes the excess, resolved anomalies first (oldest started first), then
   * the oldest active ones. Returns how many were deleted.
   * @throws InvalidInputError when `maxAnomalies` is negative or not an integer.
   */
  async prune(maxAnomalies: number): Promise<number> {
    checkMaxAnomalies(maxAnomalies);
    return this.pruneTo(maxAnomalies);
  }

  private pruneTo(maxAnomalies: number): number {
    const excess = this.items.size - maxAnomalies;
    if (excess <= 0) return 0;
    const victims = [...this.items.values()].sort(pruneFirst).slice(0, excess);
    for (const v of victims) this.items.delete(v.id);
    return victims.length;
  }
}
