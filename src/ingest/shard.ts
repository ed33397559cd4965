/**
 * Scrape sharding across monitor replicas: with `count` replicas, replica `index` scrapes the targets whose
 * address hashes to `index` — the same assignment as Prometheus' `hashmod` relabelling on `__address__` with
 * `modulus: count` followed by `keep` on the shard number (the configuration `dwcp-monitor generate --shards`
 * writes), so a target lands on the same shard whether a Prometheus or a monitor replica scrapes it.
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config (`hashmod`)
 * @see https://github.com/prometheus/prometheus/blob/v2.42.0/model/relabel/relabel.go (md5, last 8 bytes, big-endian)
 */
import { createHash } from 'node:crypto';
import { InvalidInputError } from '../errors.ts';

/** This replica's share of the scrape targets: shard `index` of `count` (0-based). */
export interface ScrapeShards {
  /** Number of replicas sharing the targets, >= 1 (Prometheus' hashmod `modulus`). */
  readonly count: number;
  /** This replica's shard, 0..count-1 (the shard number the `keep` step matches). */
  readonly index: number;
}

/** Why a configured target is not scraped by this replica. */
export const OTHER_SHARD = 'other_shard' as const;

/**
 * Prometheus' `hashmod`: the MD5 digest of `value`, its last 8 bytes read as a big-endian unsigned 64-bit
 * integer, modulo `modulus`.
 * @throws InvalidInputError when `modulus` is not a positive integer.
 */
export function hashmod(value: string, modulus: number): number {
  if (!Number.isSafeInteger(modulus) || modulus < 1)
    throw new InvalidInputError(`hashmod modulus must be a positive integer, got ${modulus}`);
  const digest = createHash('md5').update(value, 'utf8').digest();
  return Number(digest.readBigUInt64BE(8) % BigInt(modulus));
}

/**
 * The `__address__` of a scrape URL as Prometheus has it: `host:port` (IPv6 in brackets), without scheme or
 * path; a default port (80 for http, 443 for https) is absent, as in a target written without one.
 * @throws InvalidInputError when `url` is not an absolute URL.
 */
export function targetAddress(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InvalidInputError(`not an absolute URL: ${url}`);
  }
  return u.host;
}

/** The shard (0..count-1) that scrapes the target at `url`. @throws InvalidInputError on a bad URL or count. */
export function shardOfTarget(url: string, count: number): number {
  return hashmod(targetAddress(url), count);
}

/** A configured target this replica leaves to another, with the shard that scrapes it. */
export interface OtherShardTarget<T> {
  readonly target: T;
  readonly shard: number;
}

/**
 * Splits `targets` into the ones shard `shards.index` scrapes and the ones other shards scrape (each list in
 * the input order). With `count` 1 every target is kept.
 * @throws InvalidInputError when `count` < 1, `index` is outside 0..count-1, or a URL is not absolute.
 */
export function partitionTargets<T extends { readonly url: string }>(
  targets: readonly T[],
  shards: ScrapeShards,
): { kept: T[]; others: OtherShardTarget<T>[] } {
  checkShards(shards);
  const kept: T[] = [];
  const others: OtherShardTarget<T>[] = [];
  for (const target of targets) {
    const shard = shards.count === 1 ? 0 : shardOfTarget(target.url, shards.count);
    if (shard === shards.index) kept.push(target);
    else others.push({ target, shard });
  }
  return { kept, others };
}

/** @throws InvalidInputError when `count` is not an integer >= 1 or `index` is not an integer in 0..count-1. */
export function checkShards(s: ScrapeShards): void {
  if (!Number.isSafeInteger(s.count) || s.count < 1)
    throw new InvalidInputError(`scrape shards count must be an integer >= 1, got ${s.count}`);
  if (!Number.isSafeInteger(s.index) || s.index < 0 || s.index >= s.count) {
    throw new InvalidInputError(
      `scrape shards index must be an integer in 0..${s.count - 1} (shards are numbered from 0), got ${s.index}`,
    );
  }
}
