/**
 * Anomalies as the API sends them: GET /api/anomalies, POST /api/anomalies/{id}/acknowledge and the `anomaly`
 * live event. Mirrors src/model/anomaly.ts `Anomaly`; the detector score may be undefined (NaN) and then
 * arrives as null.
 */
import { z } from 'zod';
import { METRIC_KINDS } from '../model/anomaly.ts';
import { COMPONENTS, SEVERITIES } from '../model/dwcp.ts';
import { LabelsSchema, listOf, maybeNumber, successOf } from './common.ts';

/** How one detector of an ensemble judged the opening sample. */
export const DetectorVoteSchema = z.strictObject({ detector: z.string(), score: maybeNumber, voted: z.boolean() });

/** One anomaly; times are Unix ms. */
export const AnomalySchema = z.strictObject({
  /** Store-assigned id; 0 when the anomaly could not be stored. */
  id: z.number().int().nonnegative(),
  seriesKey: z.string(),
  metric: z.string(),
  labels: LabelsSchema,
  component: z.enum([...COMPONENTS, 'system']),
  kind: z.enum(METRIC_KINDS),
  startedAtMs: z.number(),
  detectedAtMs: z.number(),
  /** Null while the anomaly is active. */
  resolvedAtMs: z.number().nullable(),
  observed: z.number(),
  expected: z.number(),
  lower: z.number(),
  upper: z.number(),
  /** Signed deviation in standard deviations of the baseline. */
  deviation: z.number(),
  /** 0..1. */
  confidence: z.number(),
  /** The detector's anomaly score of the opening sample, 0..1; null when the detector gives none. */
  score: maybeNumber,
  votes: listOf(DetectorVoteSchema),
  severity: z.enum(SEVERITIES),
  detector: z.string(),
  acknowledged: z.boolean(),
});
export type ApiAnomaly = z.infer<typeof AnomalySchema>;

/** Body of GET /api/anomalies (newest first). */
export const AnomaliesResponseSchema = successOf(listOf(AnomalySchema));
export type AnomaliesResponse = z.infer<typeof AnomaliesResponseSchema>;

/** Body of POST /api/anomalies/{id}/acknowledge: the acknowledged anomaly. */
export const AcknowledgeResponseSchema = successOf(AnomalySchema);
export type AcknowledgeResponse = z.infer<typeof AcknowledgeResponseSchema>;
