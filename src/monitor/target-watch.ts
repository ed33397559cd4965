/**
 * Watches scrape batches for the API's target and component views: notices when a target's health changes
 * (the live feed then pushes the target list), marks a down target's components down, keeps the latest
 * component-health gauges ({@link HealthBoard}) and the regions seen in target labels.
 */
import type { Anomaly } from '../model/anomaly.ts';
import type { Sample } from '../model/sample.ts';
import type { ComponentStatus, TargetStatus } from '../model/status.ts';
import { componentStatus, HealthBoard, nodeOf, regionOf } from './component-status.ts';
import type { PipelineObserver } from './pipeline.ts';

/** Targets remembered at most (the scraper's own default limit). */
export const MAX_WATCHED_TARGETS = 1000;

/** Options of {@link TargetWatch}. */
export interface TargetWatchOptions {
  /** Called after a target's health changed (also on its first scrape). Must not throw. */
  readonly onHealthChange: (target: TargetStatus) => void;
  /** Targets (and regions) remembered at most; default {@link MAX_WATCHED_TARGETS}. */
  readonly maxTargets?: number;
  readonly board?: HealthBoard;
}

/** A pipeline observer; memory: one health per target and one entry per region, each at most `maxTargets`. */
export class TargetWatch implements PipelineObserver {
  private readonly lastHealth = new Map<string, TargetStatus['health']>();
  private readonly regions = new Set<string>();
  private readonly board: HealthBoard;
  private readonly maxTargets: number;
  private readonly onHealthChange: (target: TargetStatus) => void;

  /** @throws RangeError when `maxTargets` is not a positive integer. */
  constructor(opts: TargetWatchOptions) {
    const max = opts.maxTargets ?? MAX_WATCHED_TARGETS;
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`maxTargets must be a positive integer, got ${max}`);
    this.maxTargets = max;
    this.board = opts.board ?? new HealthBoard();
    this.onHealthChange = opts.onHealthChange;
  }

  /** Records the target's region and health; on a change, notifies and (when down) marks its node down. */
  scraped(target: TargetStatus, nowMs: number): void {
    const region = target.labels.region;
    if (region && (this.regions.has(region) || this.regions.size < this.maxTargets)) this.regions.add(region);
    if (this.lastHealth.get(target.id) === target.health) return;
    if (!this.lastHealth.has(target.id) && this.lastHealth.size >= this.maxTargets) return;
    this.lastHealth.set(target.id, target.health);
    this.onHealthChange(target);
    if (target.health === 'down')
      this.board.markNodeDown(regionOf(target.labels), nodeOf(target.labels), nowMs);
  }

  /** Keeps the component-health gauges of admitted samples. */
  admitted(samples: readonly Sample[]): void {
    this.board.observe(samples);
  }

  /** Status per (component, region) with the given open anomalies; see {@link componentStatus}. */
  componentStatus(openAnomalies: readonly Pick<Anomaly, 'component' | 'labels'>[]): ComponentStatus[] {
    return componentStatus(this.board.snapshot(), openAnomalies, [...this.regions]);
  }
}
