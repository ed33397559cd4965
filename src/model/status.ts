/** Read models shared by the scraper, the monitor and the API. No I/O. */
import type { Component, HealthState } from './dwcp.ts';
import type { Labels } from './sample.ts';

/** Health of a scrape target: its last scrape succeeded (`up`), failed (`down`), or none happened yet. */
export const TARGET_HEALTH = ['up', 'down', 'unknown'] as const;
export type TargetHealth = (typeof TARGET_HEALTH)[number];

/** State of one scrape target (GET /api/v1/targets, modelled on Prometheus' targets API). */
export interface TargetStatus {
  /** Stable id, e.g. `node-1` or `host`. */
  readonly id: string;
  readonly url: string;
  /** Labels attached to every sample of this target (job, instance, region, ...). */
  readonly labels: Labels;
  readonly health: TargetHealth;
  /** Last scrape start, Unix ms; null before the first scrape. */
  readonly lastScrapeMs: number | null;
  readonly lastScrapeDurationMs: number | null;
  /** Message of the last failure (connection refused, timeout, parse error with line), or null. */
  readonly lastError: string | null;
  readonly samplesLastScrape: number;
  /**
   * What went wrong with the target's samples although the scrape itself succeeded (e.g. new series refused
   * because the target is over its share of the series budget); absent or null when nothing did.
   */
  readonly warning?: string | null;
}

/**
 * A configured scrape target this monitor does not scrape (Prometheus' dropped targets): with scrape sharding,
 * the targets whose address hashes to another replica's shard (`reason` `other_shard`, `shard` the one that
 * scrapes it).
 */
export interface DroppedTargetStatus {
  readonly id: string;
  readonly url: string;
  /** The labels the target would carry (job, instance and its configured labels). */
  readonly labels: Labels;
  readonly reason: 'other_shard';
  readonly shard: number;
}

/** Status of one DWCP component in one region, derived from scraped health gauges. */
export interface ComponentStatus {
  readonly component: Component;
  readonly region: string;
  /** Worst health over the region's nodes; `unknown` when no node reported it. */
  readonly state: HealthState | 'unknown';
  readonly nodesHealthy: number;
  readonly nodesDegraded: number;
  readonly nodesDown: number;
  /** Active (unresolved) anomalies on this component in this region. */
  readonly activeAnomalies: number;
}
