/**
 * Composition of the scraper for `startMonitor`: the configured targets of this replica's scrape shard (and this
 * host when enabled) scraped into the pipeline, exemplars into the exemplar store, the other shards' targets listed
 * as dropped. Wiring only.
 */
import type { Logger } from 'pino';
import { authorizationHeader } from '../alerting/delivery/http-auth.ts';
import type { MonitorConfig } from '../config.ts';
import { createHostCollector } from '../ingest/host.ts';
import type { ScrapedExemplar } from '../ingest/openmetrics.ts';
import { Scraper } from '../ingest/scraper.ts';
import { OTHER_SHARD, partitionTargets, targetAddress } from '../ingest/shard.ts';
import { hasHttpAuth } from '../model/http-auth.ts';
import type { TargetStatus } from '../model/status.ts';
import { overloadWarner } from '../monitor/overload-warning.ts';
import type { MonitorPipeline } from '../monitor/pipeline.ts';
import type { ExemplarStore } from '../traces/exemplars/exemplar-store.ts';

/** Per-target label and sample limits of the configuration's `limits` section, as the scraper and remote write take them. */
export interface LabelLimits {
  readonly sampleLimit: number;
  readonly labelLimit: number;
  readonly labelNameLengthLimit: number;
  readonly labelValueLengthLimit: number;
}

/** A target of another scrape shard, as the API lists dropped targets. */
export interface OtherShardTarget {
  readonly id: string;
  readonly url: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly reason: typeof OTHER_SHARD;
  readonly shard: number;
}

/** The scraper and what it does not scrape. */
export interface ComposedScraper {
  readonly scraper: Scraper;
  readonly droppedTargets: readonly OtherShardTarget[];
}

/** The label and sample limits of the configuration. */
export function labelLimits(config: MonitorConfig): LabelLimits {
  const L = config.limits;
  return {
    sampleLimit: L.sampleLimit,
    labelLimit: L.labelLimit,
    labelNameLengthLimit: L.labelNameLengthLimit,
    labelValueLengthLimit: L.labelValueLengthLimit,
  };
}

/** Dependencies of {@link buildScraper}. */
export interface ScraperDeps {
  readonly config: MonitorConfig;
  readonly pipeline: MonitorPipeline;
  readonly exemplarStore: ExemplarStore | undefined;
  readonly log: Logger;
  /** Clock (Unix ms). */
  readonly clock: () => number;
}

/**
 * Builds the scraper (not started) with this shard's targets registered in the pipeline's series budget.
 * @throws ConfigError for target URLs the scraper refuses.
 */
export function buildScraper(deps: ScraperDeps): ComposedScraper {
  const { config, pipeline, exemplarStore, log, clock } = deps;
  const scraper = new Scraper({
    onSamples: (target, samples, _startMs, outcome, types) =>
      pipeline.ingest({ target, samples, outcome, types }),
    onError: (t, e) => log.error({ err: e, target: t.id }, 'processing a scrape batch failed'),
    onOverload: overloadWarner(log, clock),
    ...(exemplarStore
      ? {
          onExemplars: (t: TargetStatus, list: ScrapedExemplar[], invalid: number, startMs: number) =>
            void exemplarStore
              .add(
                list.map((e) => ({ ...e, timestampMs: e.timestampMs ?? startMs })),
                invalid,
              )
              .catch((e: unknown) => log.error({ err: e, target: t.id }, 'storing exemplars failed')),
        }
      : {}),
    now: clock,
    limits: labelLimits(config),
    redirects: config.limits.redirects,
  });
  const shards = partitionTargets(config.targets, config.scrape.shards);
  const droppedTargets = shards.others.map(({ target: t, shard }) => ({
    id: t.id,
    url: t.url,
    labels: { job: 'dwcp', instance: targetAddress(t.url), ...t.labels },
    reason: OTHER_SHARD,
    shard,
  }));
  if (config.scrape.shards.count > 1)
    log.info(
      {
        shard: config.scrape.shards.index,
        shards: config.scrape.shards.count,
        scraped: shards.kept.length,
        otherShards: droppedTargets.length,
      },
      'scrape sharding: this replica scrapes its share of the targets',
    );
  for (const t of shards.kept) {
    scraper.addTarget({
      id: t.id,
      url: t.url,
      labels: t.labels,
      intervalMs: config.scrape.interval,
      timeoutMs: config.scrape.timeout,
      honorLabels: t.honorLabels,
      ...(t.limits ? { limits: t.limits } : {}),
      ...(hasHttpAuth(t) ? { authorization: () => authorizationHeader(t) } : {}),
    });
    pipeline.tracker.budget.register(t.id);
  }
  if (config.host.enabled) {
    scraper.addTarget({
      id: 'host',
      source: createHostCollector(),
      labels: { job: 'host' },
      intervalMs: config.scrape.interval,
    });
    pipeline.tracker.budget.register('host');
  }
  return { scraper, droppedTargets };
}
