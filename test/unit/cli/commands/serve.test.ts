import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withOverrides, type ServeFlags } from '../../../../src/cli/commands/serve.ts';
import { parseMonitorConfig } from '../../../../src/config.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

const flags = (f: Partial<ServeFlags>): ServeFlags => ({ target: [], logLevel: 'info', ...f });
const config = (shards?: { count: number; index: number }) =>
  parseMonitorConfig(shards ? { scrape: { shards } } : {});
const rejects = (f: Partial<ServeFlags>, message: string, base = config()) =>
  assert.throws(
    () => withOverrides(base, flags(f)),
    (e: unknown) => e instanceof InvalidInputError && e.message === message,
  );

describe('serve --scrape-shards / --scrape-shard-index', () => {
  it('set scrape.shards; either flag alone keeps the other value of the configuration', () => {
    assert.deepEqual(
      withOverrides(config(), flags({ scrapeShards: '3', scrapeShardIndex: '2' })).scrape.shards,
      { count: 3, index: 2 },
    );
    assert.deepEqual(
      withOverrides(config({ count: 4, index: 3 }), flags({ scrapeShardIndex: '1' })).scrape.shards,
      { count: 4, index: 1 },
    );
    assert.deepEqual(
      withOverrides(config({ count: 4, index: 3 }), flags({ scrapeShards: '5' })).scrape.shards,
      { count: 5, index: 3 },
    );
    assert.deepEqual(withOverrides(config(), flags({ scrapeShards: ' 2 ' })).scrape.shards, {
      count: 2,
      index: 0,
    });
    assert.deepEqual(
      withOverrides(config({ count: 4, index: 3 }), flags({})).scrape.shards,
      { count: 4, index: 3 },
      'no flag: the configuration stands',
    );
  });

  it('keep the rest of the scrape section', () => {
    const base = parseMonitorConfig({ scrape: { interval: '5s', timeout: '2s' } });
    const c = withOverrides(base, flags({ scrapeShards: '2', scrapeShardIndex: '1' }));
    assert.deepEqual(
      [c.scrape.interval, c.scrape.timeout, c.scrape.shards],
      [5000, 2000, { count: 2, index: 1 }],
    );
  });

  it('reject non-integers, out-of-range values and an index not below the count, naming where each value came from', () => {
    rejects({ scrapeShards: 'three' }, "--scrape-shards must be an integer 1-1000, got 'three'");
    rejects({ scrapeShards: '0' }, "--scrape-shards must be an integer 1-1000, got '0'");
    rejects({ scrapeShards: '1.5' }, "--scrape-shards must be an integer 1-1000, got '1.5'");
    rejects({ scrapeShards: '1001' }, "--scrape-shards must be an integer 1-1000, got '1001'");
    rejects({ scrapeShardIndex: '-1' }, "--scrape-shard-index must be an integer 0-999, got '-1'");
    rejects({ scrapeShardIndex: '' }, "--scrape-shard-index must be an integer 0-999, got ''");
    rejects(
      { scrapeShards: '3', scrapeShardIndex: '3' },
      '--scrape-shard-index 3 must be less than --scrape-shards 3 (shards are numbered 0..count-1)',
    );
    rejects(
      { scrapeShardIndex: '1' },
      '--scrape-shard-index 1 must be less than scrape.shards.count 1 (shards are numbered 0..count-1)',
    );
    rejects(
      { scrapeShards: '2' },
      'scrape.shards.index 3 must be less than --scrape-shards 2 (shards are numbered 0..count-1)',
      config({ count: 4, index: 3 }),
    );
  });
});
