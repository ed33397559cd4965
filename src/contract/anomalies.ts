/**
 * Anomalies as the API sends them: GET /api/anomalies, POST /api/anomalies/{id}/acknowledge and the `anomaly`
 * live event. Mirrors src/model/anomaly.ts `Anomaly` plus a one-line `summary`; numbers the monitor does not
 * have (a detector without a value band or score, a target-down anomaly's deviation) are NaN there and arrive as
 * null. Bands are clamped to the metric's physical range; severity comes from the impact of the deviation.
 */
import { z } from 'zod';
import { METRIC_KINDS } from '../model/anomaly.ts';
import { COMPONENTS, SEVERITIES } from '../model/dwcp.ts';
import { anomalySummary } from '../model/anomaly-summary.ts';
import type { Anomaly } from '../model/anomaly.ts';
import { LabelsSchema, listOf, maybeNumber, successOf } from './common.ts';

/** How one detector of an ensemble judged the opening sample. */
export const DetectorVoteSchema = z.strictObject({
  detector: z.string(),
  score: maybeNumber,
  voted: z.boolean(),
});

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
  /**
   * Why it resolved (`Anomaly.resolution`, src/model/anomaly.ts): `back inside the band for N samples`, `judged
   * normal for N samples`, `condition cleared for N samples`, `new level accepted` (the detector called the new
   * level normal for `detection.acceptNewLevelAfter`), `monitor restarted without its state` (open when the monitor
   * stopped, and its held band did not come back with the restart) or `target answering again`. Absent while active
   * (and on rows resolved before every ending had a reason).
   */
  resolution: z.string().optional(),
  observed: z.number(),
  /** Expected value and band [lower, upper], within the metric's physical range; null when the detector has none. */
  expected: maybeNumber,
  lower: maybeNumber,
  upper: maybeNumber,
  /** Signed deviation in standard deviations of the baseline; null when not measured (no band, target down). */
  deviation: maybeNumber,
  /** 0..1. */
  confidence: z.number(),
  /** The detector's anomaly score of the opening sample, 0..1; null when the detector gives none. */
  score: maybeNumber,
  votes: listOf(DetectorVoteSchema),
  severity: z.enum(SEVERITIES),
  detector: z.string(),
  acknowledged: z.boolean(),
  /** One line naming what, where and how bad; a target-down anomaly names its target. */
  summary: z.string(),
});
export type ApiAnomaly = z.infer<typeof AnomalySchema>;

/** The API form of a stored anomaly: the anomaly plus its `summary` (NaN numbers are sent as null by JSON). */
export function toApiAnomaly(a: Anomaly): ApiAnomaly {
  return { ...a, summary: anomalySummary(a) };
}

/** Body of GET /api/anomalies (newest first). */
export const AnomaliesResponseSchema = successOf(listOf(AnomalySchema));
export type AnomaliesResponse = z.infer<typeof AnomaliesResponseSchema>;

/** Body of POST /api/anomalies/{id}/acknowledge: the acknowledged anomaly. */
export const AcknowledgeResponseSchema = successOf(AnomalySchema);
export type AcknowledgeResponse = z.infer<typeof AcknowledgeResponseSchema>;
