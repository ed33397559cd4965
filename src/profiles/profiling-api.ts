/**
 * The monitor's profiling service as the API uses it: on-demand profiles of this process (counted in
 * `dwcp_profiles_captured_total` / `dwcp_profiles_rejected_total`), stored profiles with their flame graphs and
 * comparisons. Flame graphs and comparisons decode the stored pprof each time (bounded by the store's size
 * limits); the last few decoded profiles are cached.
 */
import type { Counter } from 'prom-client';
import { DwcpError, LimitExceededError } from '../errors.ts';
import { compareProfiles, type ProfileComparison } from './compare.ts';
import { buildFlameGraph, type FlameGraph } from './flamegraph.ts';
import { readPprof, type ProfileView } from './pprof-read.ts';
import type { ProfileFilter, ProfileKind, ProfileStore, StoredProfileInfo } from './profile-store.ts';
import type { CapturedProfile, ProcessProfiler } from './runtime-profiler.ts';

/** Decoded profiles kept in memory for repeated flame-graph and comparison requests. */
export const DECODED_CACHE_SIZE = 8;

/** Counters of the service (from the runtime catalog metrics). */
export interface ProfilingCounters {
  readonly captured: Counter<string>;
  readonly rejected: Counter<string>;
}

/** The service. */
export interface ProfilingService {
  cpu(seconds: number, signal?: AbortSignal): Promise<CapturedProfile>;
  heap(): Promise<CapturedProfile>;
  capture(kind: ProfileKind, seconds: number): Promise<StoredProfileInfo>;
  list(filter: ProfileFilter): Promise<StoredProfileInfo[]>;
  get(id: number): Promise<{ readonly info: StoredProfileInfo; readonly pprof: Buffer }>;
  flamegraph(id: number, sampleType: string | undefined): Promise<FlameGraph>;
  compare(
    baseId: number,
    targetId: number,
    top: number,
    sampleType: string | undefined,
  ): Promise<ProfileComparison>;
}

/**
 * Creates the service over this process's profiler and the profile store.
 * @see ProfileStore for the errors of the stored-profile calls (NotFoundError for unknown ids)
 */
export function createProfilingService(
  profiler: ProcessProfiler,
  store: ProfileStore,
  counters?: ProfilingCounters,
): ProfilingService {
  const cache = new Map<number, ProfileView>();
  const view = async (id: number): Promise<ProfileView> => {
    const hit = cache.get(id);
    if (hit) return hit;
    const v = readPprof((await store.get(id)).pprof);
    if (cache.size >= DECODED_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(id, v);
    return v;
  };
  const counted = async (
    kind: ProfileKind,
    take: () => Promise<CapturedProfile>,
  ): Promise<CapturedProfile> => {
    try {
      const p = await take();
      counters?.captured.inc({ kind, trigger: 'on_demand' });
      return p;
    } catch (e) {
      if (e instanceof DwcpError)
        counters?.rejected.inc({ reason: e instanceof LimitExceededError ? 'busy' : 'bad_request' });
      throw e;
    }
  };
  return {
    cpu: (seconds, signal) => counted('cpu', () => profiler.cpu(seconds, signal)),
    heap: () => counted('heap', () => profiler.heap()),
    async capture(kind, seconds) {
      const p =
        kind === 'cpu'
          ? await counted('cpu', () => profiler.cpu(seconds))
          : await counted('heap', () => profiler.heap());
      return store.insert({
        kind,
        source: 'monitor',
        trigger: 'on_demand',
        startedAtMs: p.startedAtMs,
        durationMs: p.durationMs,
        pprof: p.pprof,
      });
    },
    list: (filter) => store.list(filter),
    get: (id) => store.get(id),
    flamegraph: async (id, sampleType) => buildFlameGraph(await view(id), sampleType ? { sampleType } : {}),
    compare: async (baseId, targetId, top, sampleType) =>
      compareProfiles(await view(baseId), await view(targetId), top, sampleType),
  };
}
