/**
 * Reports API contract: stored hourly, daily, weekly and on-demand reports (HTML, PDF, Markdown documents).
 */
import { z } from 'zod';
import { listOf, successOf } from './common.ts';

/** Report kinds: scheduled periods, or `custom` for an on-demand range. */
export const REPORT_KINDS = ['hourly', 'daily', 'weekly', 'custom'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
/** Document formats. */
export const REPORT_FORMATS = ['html', 'pdf', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A stored report's metadata: range [fromMs, toMs) and creation Unix ms, size bytes, generation time ms. */
export const ReportInfoSchema = z.strictObject({
  id: z.number().int().positive(),
  kind: z.enum(REPORT_KINDS),
  format: z.enum(REPORT_FORMATS),
  title: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
  createdAtMs: z.number(),
  sizeBytes: z.number().int().nonnegative(),
  generationMs: z.number().nonnegative(),
});
export type ReportInfo = z.infer<typeof ReportInfoSchema>;

/** Body of GET /api/reports. */
export const ReportsResponseSchema = successOf(listOf(ReportInfoSchema));
export type ReportsResponse = z.infer<typeof ReportsResponseSchema>;
/** Body of POST /api/reports (one stored report per requested format). */
export const ReportsCreatedResponseSchema = successOf(listOf(ReportInfoSchema));
export type ReportsCreatedResponse = z.infer<typeof ReportsCreatedResponseSchema>;
