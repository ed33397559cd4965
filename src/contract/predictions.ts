/**
 * GET /api/predictions/{metric}: what the live detectors expect next for each analysed series of the metric —
 * the expected value and the band a sample would be judged against, at future times.
 */
import { z } from 'zod';
import { METRIC_KINDS } from '../model/anomaly.ts';
import { LabelsSchema, listOf, maybeNumber, successOf } from './common.ts';

/** The detector's expectation at `timestampMs` (Unix ms); null where the detector has no expectation yet. */
export const PredictionPointSchema = z.strictObject({
  timestampMs: z.number(),
  expected: maybeNumber,
  lower: maybeNumber,
  upper: maybeNumber,
});
export type PredictionPoint = z.infer<typeof PredictionPointSchema>;

/** Predictions of one analysed series. */
export const SeriesPredictionSchema = z.strictObject({
  key: z.string(),
  metric: z.string(),
  labels: LabelsSchema,
  kind: z.enum(METRIC_KINDS),
  detector: z.string(),
  /** Timestamp of the last sample the detector learned, Unix ms. */
  lastSampleMs: z.number(),
  points: listOf(PredictionPointSchema),
});
export type SeriesPrediction = z.infer<typeof SeriesPredictionSchema>;

/** Body of GET /api/predictions/{metric}. */
export const PredictionsResponseSchema = successOf(
  z.strictObject({
    metric: z.string(),
    horizonMs: z.number().positive(),
    series: listOf(SeriesPredictionSchema),
  }),
);
export type PredictionsResponse = z.infer<typeof PredictionsResponseSchema>;
