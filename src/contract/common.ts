/**
 * Building blocks of the HTTP API contract: the success envelope, label sets, analysis windows, list and
 * nullable-number helpers. Every response schema of src/contract is a zod 4 schema describing the JSON the
 * server sends; the TypeScript types are inferred from the schemas, so the server (which returns them) and the
 * web page (which reads them) share one definition.
 *
 * @see https://zod.dev/api zod 4 schema API
 */
import { z } from 'zod';

/**
 * A number the server may not have: the engines leave some numbers undefined (NaN), and JSON has no NaN, so
 * such a number arrives as `null`.
 */
export const maybeNumber = z.number().nullable();

/** A read-only list of `item` (engines and stores return read-only arrays). */
export function listOf<T extends z.ZodType>(item: T): z.ZodReadonly<z.ZodArray<T>> {
  return z.array(item).readonly();
}

/** A label set: label name → value (Prometheus label names; `__name__` is never included). */
export const LabelsSchema = z.record(z.string(), z.string());
export type ApiLabels = z.infer<typeof LabelsSchema>;

/** The analysed time window of a computed response, Unix ms, both ends included. */
export const AnalysisWindowSchema = z.strictObject({ startMs: z.number(), endMs: z.number() });
export type AnalysisWindow = z.infer<typeof AnalysisWindowSchema>;

/** Non-fatal notes of a computed response (e.g. a metric had more series than were read). */
export const WarningsSchema = listOf(z.string());

/** The success envelope `{status: 'success', data}` of every JSON route but /health and /ready. */
export function successOf<T extends z.ZodType>(data: T) {
  return z.strictObject({ status: z.literal('success'), data });
}
