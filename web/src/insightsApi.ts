/** Typed fetch helpers for the rollout, SLO, regional-health and capacity endpoints (same origin). */
import type { CapacityOverview, CapacityResponse } from '../../src/contract/capacity.ts';
import type { RegionsOverview, RegionsResponse, RegionTrend } from '../../src/contract/regions.ts';
import type { RolloutResponse, RolloutStageRecord, RolloutStatus } from '../../src/contract/rollout.ts';
import type { SloOverview, SloResponse } from '../../src/contract/slo.ts';

export type {
  CapacityOverview,
  RegionsOverview,
  RegionTrend,
  RolloutStageRecord,
  RolloutStatus,
  SloOverview,
};

async function getData<T extends { data: unknown }>(path: string): Promise<T['data']> {
  const res = await fetch(path);
  const body = (await res.json().catch(() => null)) as (T & { error?: string }) | null;
  if (!res.ok || body === null) throw new Error(body?.error ?? `HTTP ${res.status}`);
  return body.data;
}

/** GET /api/rollout. */
export function fetchRollout(): Promise<RolloutStatus> {
  return getData<RolloutResponse>('/api/rollout');
}

/** GET /api/slo. */
export function fetchSlo(): Promise<SloOverview> {
  return getData<SloResponse>('/api/slo');
}

/** GET /api/regions/health. */
export function fetchRegionHealth(): Promise<RegionsOverview> {
  return getData<RegionsResponse>('/api/regions/health');
}

/** GET /api/capacity (default window 7 d, cpu and memory). */
export function fetchCapacity(): Promise<CapacityOverview> {
  return getData<CapacityResponse>('/api/capacity');
}

/** A number with `digits` decimals, or an en dash for null/NaN (the API sends NaN as null). */
export function fmt(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

/** A signed number with `digits` decimals (`+3.0`), or an en dash for null/NaN. */
export function fmtSigned(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v)
    ? '–'
    : `${v > 0 ? '+' : ''}${v.toFixed(digits)}`;
}

/** A duration in ms as a short text: `45 s`, `12 min`, `3.5 h`, `2.0 d`. */
export function fmtSpan(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

/** Local time of day of a Unix-ms timestamp (HH:MM:SS). */
export function fmtTime(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour12: false });
}
