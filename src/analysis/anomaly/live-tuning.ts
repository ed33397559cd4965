/**
 * Tuning of the `live` ensemble (presets.ts), the detector the monitor pages on: a Holt-Winters level member
 * (holt-winters-level.ts) and a CUSUM trend member (cusum.ts) under the ensemble's `band` paging rule.
 *
 * The numbers are principled rather than fitted per metric: the level member alarms at max(5 σ, 2·q̂₀.₉₉(|z|))
 * (a tail-calibrated threshold: ≈ 5.2 σ for Gaussian noise, proportionally more for heavy-tailed series); the
 * CUSUM detects 2 σ mean shifts quickest (k = 1, Page 1954) with h from a target in-control run length of 10⁶
 * samples (Siegmund's approximation: h ≈ 5.9), on whitened residuals. The same setting serves every metric kind;
 * the kind only sets the bad direction (KIND_DEFAULTS in statistical.ts). Chosen on the tuning split of the
 * labelled corpus (src/eval/corpus/, seed 1001) among a handful of principled settings (level threshold 5 or 6 σ,
 * k ∈ {0.5, 0.75, 1}, ARL₀ ∈ {10⁵, 10⁶, 10⁸}); measured on the held-out split, NAB and the DWCP scenarios in
 * docs/anomaly-detection.md.
 */
import type { MetricKind } from '../../model/anomaly.ts';
import type { PresetTuning } from './presets.ts';

/** The live setting for every kind (the monitor's engine does the muting: muteSamples 0). */
export const LIVE_TUNING: PresetTuning = Object.freeze({
  hwSigma: 5,
  cusum: Object.freeze({ k: 1, arl0: 1e6 }),
  muteSamples: 0,
  pageRule: 'band',
});

/** Per-kind tuning of the live ensemble (today the same for every kind; see the module comment). */
export const LIVE_KIND_TUNING: Readonly<Record<MetricKind, PresetTuning>> = Object.freeze({
  bandwidth: LIVE_TUNING,
  latency: LIVE_TUNING,
  compression: LIVE_TUNING,
  consensus: LIVE_TUNING,
  error_rate: LIVE_TUNING,
  utilization: LIVE_TUNING,
  health: LIVE_TUNING,
  generic: LIVE_TUNING,
});
