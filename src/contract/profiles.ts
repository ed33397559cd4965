/**
 * Profiles API contract: stored profiles of the monitor and of DWCP nodes (pprof), their flame graphs and
 * comparisons. Sample values are in the profile's sample-type unit (`nanoseconds` of CPU, `bytes` of heap).
 *
 * @see https://github.com/google/pprof/blob/main/proto/profile.proto pprof profile format
 */
import { z } from 'zod';
import { listOf, successOf } from './common.ts';

/** Profile kinds: CPU time or live heap. */
export const PROFILE_KINDS = ['cpu', 'heap'] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];

/** A stored profile's metadata; times Unix ms, duration ms, size bytes (gzip-compressed pprof). */
export const ProfileInfoSchema = z.strictObject({
  id: z.number().int().positive(),
  kind: z.enum(PROFILE_KINDS),
  source: z.string(),
  trigger: z.enum(['on_demand', 'continuous']),
  startedAtMs: z.number(),
  durationMs: z.number().nonnegative(),
  sizeBytes: z.number().int().nonnegative(),
});
export type ProfileInfo = z.infer<typeof ProfileInfoSchema>;

/** A flame-graph node: `total` includes the children, `self` does not (sample-type unit). */
export interface FlameNodeDto {
  readonly name: string;
  readonly file: string;
  readonly total: number;
  readonly self: number;
  readonly children: readonly FlameNodeDto[];
}
export const FlameNodeSchema: z.ZodType<FlameNodeDto> = z.lazy(() =>
  z.strictObject({
    name: z.string(),
    file: z.string(),
    total: z.number().nonnegative(),
    self: z.number().nonnegative(),
    children: listOf(FlameNodeSchema),
  }),
);

const SampleTypeSchema = z.strictObject({ type: z.string(), unit: z.string() });

/** A flame graph of a stored profile; `truncated` when nodes were merged to bound its size. */
export const FlameGraphSchema = z.strictObject({
  sampleType: SampleTypeSchema,
  total: z.number().nonnegative(),
  root: FlameNodeSchema,
  nodes: z.number().int().nonnegative(),
  truncated: z.boolean(),
});
export type FlameGraphDto = z.infer<typeof FlameGraphSchema>;

/** One function of a comparison: shares of the profile's total, 0..1, and their differences (target − base). */
export const FunctionDeltaSchema = z.strictObject({
  name: z.string(),
  file: z.string(),
  baseSelfShare: z.number(),
  targetSelfShare: z.number(),
  selfShareDelta: z.number(),
  baseTotalShare: z.number(),
  targetTotalShare: z.number(),
  totalShareDelta: z.number(),
});
export type FunctionDeltaDto = z.infer<typeof FunctionDeltaSchema>;

/** A comparison of two stored profiles of the same kind. */
export const ProfileComparisonSchema = z.strictObject({
  sampleType: SampleTypeSchema,
  baseTotal: z.number().nonnegative(),
  targetTotal: z.number().nonnegative(),
  gained: listOf(FunctionDeltaSchema),
  lost: listOf(FunctionDeltaSchema),
  functions: z.number().int().nonnegative(),
});
export type ProfileComparisonDto = z.infer<typeof ProfileComparisonSchema>;

/** Body of GET /api/profiles. */
export const ProfilesResponseSchema = successOf(listOf(ProfileInfoSchema));
export type ProfilesResponse = z.infer<typeof ProfilesResponseSchema>;
/** Body of POST /api/profiles. */
export const ProfileCreatedResponseSchema = successOf(ProfileInfoSchema);
export type ProfileCreatedResponse = z.infer<typeof ProfileCreatedResponseSchema>;
/** Body of GET /api/profiles/:id/flamegraph. */
export const FlameGraphResponseSchema = successOf(FlameGraphSchema);
export type FlameGraphResponse = z.infer<typeof FlameGraphResponseSchema>;
/** Body of GET /api/profiles/compare. */
export const ProfileComparisonResponseSchema = successOf(ProfileComparisonSchema);
export type ProfileComparisonResponse = z.infer<typeof ProfileComparisonResponseSchema>;
