/**
 * GET /api/models/performance: the detectors' measured performance, read from the report the last
 * `npm run bench:detect` run wrote (never hard-coded), with where it was read from. The report's rows are the
 * benchmark's own; the contract fixes the sections every report has and leaves the rows' further fields open.
 */
import { z } from 'zod';
import { listOf, successOf } from './common.ts';

/** A row of the report: one detector's results (more fields per section, as the benchmark writes them). */
const DetectorRowSchema = z.looseObject({ detector: z.string() });

/** The `bench:detect` report: NAB results, DWCP scenario results and cost per detector. */
export const ModelPerformanceReportSchema = z.looseObject({
  /** ISO 8601 time of the run. */
  generatedAt: z.string(),
  nab: z.looseObject({ results: listOf(DetectorRowSchema).optional() }),
  dwcp: listOf(DetectorRowSchema),
  cost: listOf(DetectorRowSchema),
});
export type ModelPerformanceReport = z.infer<typeof ModelPerformanceReportSchema>;

/** Body of GET /api/models/performance. */
export const ModelPerformanceResponseSchema = successOf(
  z.strictObject({ source: z.string(), report: ModelPerformanceReportSchema }),
);
export type ModelPerformanceResponse = z.infer<typeof ModelPerformanceResponseSchema>;
