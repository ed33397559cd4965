/**
 * Builds the monitor's pipeline from the detection settings: the series tracker and the detection engine with
 * the options of {@link detectionEngineOptions}. `serve`/`demo` (src/main.ts) and the labelled-scenario
 * evaluator (src/eval/dwcp/runner.ts) both call it, so the evaluator and the benchmarks run the shipped wiring.
 */
import { DetectionEngine } from './detection-engine.ts';
import type { DetectionSettings } from '../model/detection-settings.ts';
import { detectionEngineOptions, type CandidateDetector } from './detection-config.ts';
import { MonitorPipeline, type PipelineParts } from './pipeline.ts';
import { SeriesTracker, type SeriesTrackerOptions } from './series-tracker.ts';

/** Options of {@link buildPipeline}: the settings plus the parts that are not built from them. */
export interface BuildPipelineOptions extends Omit<PipelineParts, 'tracker' | 'engine'> {
  /** Detection settings; `enabled: false` builds the engine (for predictions and checkpoints) but never runs it. */
  readonly detection: DetectionSettings & { readonly enabled?: boolean };
  /** A candidate detector instead of the configured live one (benchmarks). */
  readonly candidate?: CandidateDetector;
  /** The accepted sample time window around arrival (default: unbounded). */
  readonly window?: SeriesTrackerOptions;
}

/** A built pipeline and the engine it runs (also when detection is disabled). */
export interface BuiltPipeline {
  readonly pipeline: MonitorPipeline;
  readonly engine: DetectionEngine;
}

/**
 * Builds the tracker (budget `detection.maxSeries`, shared fairly between targets; time window `window`; series
 * outside the catalog inferred unless `detection.inference` is false, with the `detection.series` rules), the
 * engine and the pipeline around them.
 * @throws RangeError for settings the engine refuses (confirmSamples or maxSeries < 1) or an unknown rule kind;
 *   SyntaxError for a rule with an invalid regular expression.
 */
export function buildPipeline(opts: BuildPipelineOptions): BuiltPipeline {
  const { detection, candidate, window, ...parts } = opts;
  const engine = new DetectionEngine(detectionEngineOptions(detection, candidate));
  const tracker = new SeriesTracker(detection.maxSeries, {
    ...window,
    inference: { enabled: detection.inference, rules: detection.series },
  });
  const pipeline = new MonitorPipeline({
    ...parts,
    tracker,
    engine: detection.enabled === false ? null : engine,
  });
  return { pipeline, engine };
}
