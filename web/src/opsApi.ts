/** Typed fetch helpers for profiles and reports (same origin). */
import type {
  FlameGraphDto,
  FlameGraphResponse,
  FlameNodeDto,
  ProfileComparisonDto,
  ProfileComparisonResponse,
  ProfileCreatedResponse,
  ProfileInfo,
  ProfilesResponse,
} from '../../src/contract/profiles.ts';
import type { ReportInfo, ReportsCreatedResponse, ReportsResponse } from '../../src/contract/reports.ts';

export type { FlameGraphDto, FlameNodeDto, ProfileComparisonDto, ProfileInfo, ReportInfo };

async function call<T extends { data: unknown }>(path: string, init?: RequestInit): Promise<T['data']> {
  const res = await fetch(path, init);
  const body = (await res.json().catch(() => null)) as (T & { error?: string }) | null;
  if (!res.ok || body === null) throw new Error(body?.error ?? `HTTP ${res.status}`);
  return body.data;
}

const postJson = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** GET /api/profiles (newest first). */
export const fetchProfiles = (): Promise<readonly ProfileInfo[]> =>
  call<ProfilesResponse>('/api/profiles?limit=50');
/** POST /api/profiles: takes and stores a profile of the monitor. */
export const captureProfile = (kind: 'cpu' | 'heap', seconds = 10): Promise<ProfileInfo> =>
  call<ProfileCreatedResponse>('/api/profiles', postJson(kind === 'cpu' ? { kind, seconds } : { kind }));
/** GET /api/profiles/:id/flamegraph. */
export const fetchFlameGraph = (id: number): Promise<FlameGraphDto> =>
  call<FlameGraphResponse>(`/api/profiles/${id}/flamegraph`);
/** GET /api/profiles/compare. */
export const compareProfiles = (base: number, target: number): Promise<ProfileComparisonDto> =>
  call<ProfileComparisonResponse>(`/api/profiles/compare?base=${base}&target=${target}&top=10`);
/** GET /api/reports (newest first). */
export const fetchReports = (): Promise<readonly ReportInfo[]> =>
  call<ReportsResponse>('/api/reports?limit=50');
/** POST /api/reports for [from, to). */
export const generateReport = (
  fromMs: number,
  toMs: number,
  format: ReportInfo['format'],
): Promise<readonly ReportInfo[]> =>
  call<ReportsCreatedResponse>(
    '/api/reports',
    postJson({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), formats: [format] }),
  );

/** Bytes as B / KiB / MiB. */
export function fmtBytes(n: number): string {
  return n < 1024
    ? `${n} B`
    : n < 1024 * 1024
      ? `${(n / 1024).toFixed(1)} KiB`
      : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
