import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMonitorConfig } from '../../../src/config.ts';
import { InvalidInputError } from '../../../src/errors.ts';
import {
  checkShards,
  hashmod,
  partitionTargets,
  shardOfTarget,
  targetAddress,
} from '../../../src/ingest/shard.ts';
import { chiSquareQuantile } from '../../../src/math/chi-square.ts';

const loopback = Array.from({ length: 60 }, (_, i) => ({
  id: `t${i}`,
  url: `http://127.0.0.1:${9100 + i}/metrics`,
}));
const hosts = Array.from({ length: 60 }, (_, i) => ({
  id: `n${i}`,
  url: `http://node-${i + 1}.dwcp.example:9100/metrics`,
}));

describe('scrape shards', () => {
  it("takes the shard from Prometheus' hashmod of the target address", () => {
    // As Prometheus 2.42 assigned them (test/integration/scrape-shards-prometheus.test.ts compares all 60).
    assert.equal(hashmod('127.0.0.1:9100', 3), 1);
    assert.equal(hashmod('127.0.0.1:9101', 3), 0);
    assert.equal(shardOfTarget('http://127.0.0.1:9100/metrics', 3), 1);
    assert.equal(
      shardOfTarget('https://127.0.0.1:9100/other/path?x=1', 3),
      1,
      'scheme and path are not part of the address',
    );
    assert.equal(
      targetAddress('http://node-1:80/metrics'),
      'node-1',
      'a default port is absent, as in a target written without one',
    );
    assert.equal(targetAddress('http://[::1]:9100/metrics'), '[::1]:9100');
    assert.throws(() => targetAddress('/metrics'), InvalidInputError);
  });

  it('is stable: the same target always lands on the same shard, whatever the order of the list', () => {
    const first = loopback.map((t) => shardOfTarget(t.url, 4));
    const again = [...loopback]
      .reverse()
      .map((t) => shardOfTarget(t.url, 4))
      .reverse();
    assert.deepEqual(again, first);
    const keptFromReversed = partitionTargets([...loopback].reverse(), { count: 4, index: 2 })
      .kept.map((t) => t.id)
      .sort();
    assert.deepEqual(
      keptFromReversed,
      partitionTargets(loopback, { count: 4, index: 2 })
        .kept.map((t) => t.id)
        .sort(),
    );
  });

  it('gives every target to exactly one shard', () => {
    for (const count of [1, 2, 3, 5]) {
      const seen = new Map<string, number>();
      for (let index = 0; index < count; index++) {
        const { kept, others } = partitionTargets(loopback, { count, index });
        assert.equal(kept.length + others.length, loopback.length);
        for (const t of kept) seen.set(t.id, (seen.get(t.id) ?? 0) + 1);
        for (const o of others) assert.notEqual(o.shard, index, `${o.target.id} listed as another shard's`);
        for (const o of others) assert.ok(o.shard >= 0 && o.shard < count);
      }
      assert.equal(seen.size, loopback.length, `count ${count}: every target scraped`);
      assert.ok(
        [...seen.values()].every((n) => n === 1),
        `count ${count}: no target scraped twice`,
      );
    }
  });

  it('spreads 60 targets over the shards no less evenly than a uniform random assignment would (chi-square, p > 0.001)', () => {
    for (const [name, targets] of [
      ['loopback ports', loopback],
      ['host names', hosts],
    ] as const) {
      for (const count of [2, 3, 4, 6]) {
        const sizes = Array.from(
          { length: count },
          (_, index) => partitionTargets(targets, { count, index }).kept.length,
        );
        const expected = targets.length / count;
        const chi2 = sizes.reduce((s, n) => s + (n - expected) ** 2 / expected, 0);
        assert.ok(
          sizes.every((n) => n > 0),
          `${name}, ${count} shards: every shard gets targets (${sizes.join(', ')})`,
        );
        assert.ok(
          chi2 < chiSquareQuantile(0.999, count - 1),
          `${name}, ${count} shards: sizes ${sizes.join(', ')} (chi-square ${chi2.toFixed(1)})`,
        );
      }
    }
  });

  it('keeps every target with one shard', () => {
    const { kept, others } = partitionTargets(loopback, { count: 1, index: 0 });
    assert.equal(kept.length, 60);
    assert.deepEqual(others, []);
  });

  it('refuses a count below 1 and an index outside 0..count-1', () => {
    assert.throws(() => checkShards({ count: 0, index: 0 }), /count must be an integer >= 1, got 0/);
    assert.throws(
      () => checkShards({ count: 3, index: 3 }),
      /index must be an integer in 0\.\.2 \(shards are numbered from 0\), got 3/,
    );
    assert.throws(() => checkShards({ count: 3, index: -1 }), InvalidInputError);
    assert.throws(() => hashmod('a', 0), InvalidInputError);
  });
});

describe('scrape.shards configuration', () => {
  const configError = (raw: unknown): string => {
    try {
      parseMonitorConfig(raw);
    } catch (e) {
      return (e as Error).message;
    }
    return assert.fail('the configuration was accepted');
  };

  it('defaults to one shard and takes count and index', () => {
    assert.deepEqual(parseMonitorConfig({}).scrape.shards, { count: 1, index: 0 });
    assert.deepEqual(parseMonitorConfig({ scrape: { shards: { count: 3, index: 2 } } }).scrape.shards, {
      count: 3,
      index: 2,
    });
    assert.deepEqual(parseMonitorConfig({ scrape: { interval: '5s' } }).scrape.shards, {
      count: 1,
      index: 0,
    });
  });

  it('names the field and the rule when the index is not below the count or the count is below 1', () => {
    assert.match(
      configError({ scrape: { shards: { count: 3, index: 3 } } }),
      /scrape\.shards\.index: index must be less than count \(shards are numbered 0\.\.count-1\)/,
    );
    assert.match(configError({ scrape: { shards: { count: 0 } } }), /scrape\.shards\.count/);
    assert.match(configError({ scrape: { shards: { count: 2, index: -1 } } }), /scrape\.shards\.index/);
    assert.match(configError({ scrape: { shards: { count: 2, shard: 1 } } }), /scrape\.shards/);
  });
});
