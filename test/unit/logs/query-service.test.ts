/**
 * The count-only path of `count_over_time` and `rate` (pipelines of `|=` and `!=` only: counts per stream and
 * bucket in SQL) gives the matrices of the path that reads lines, on seeded data over several steps, ranges,
 * grid offsets, groupings and filters; selectors on labels that are not indexed; and its group bound.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LogLevel } from '../../../src/logs/record.ts';
import { LogQueryService } from '../../../src/logs/query-service.ts';
import type { LogStore } from '../../../src/logs/store/log-store.ts';
import { openSqliteLogStore } from '../../../src/logs/store/open.ts';
import { Prng } from '../../../src/sim/prng.ts';
import { logRecord, NOW } from '../../helpers/log-store-contract.ts';

const DAY = 86_400_000;
const LEVELS: LogLevel[] = ['info', 'warn', 'error'];
const BODIES = [
  'transfer timed out',
  'mode switched',
  'retrying transfer',
  'quorum lost',
  'transfer timed out again',
];

describe('count-only range aggregations', () => {
  let store: LogStore;
  before(async () => {
    store = await openSqliteLogStore(':memory:', {
      retentionMs: { debug: DAY, info: DAY, warn: DAY, error: DAY, fatal: DAY },
    });
    const r = new Prng(11);
    const records = Array.from({ length: 3000 }, () =>
      logRecord(r.int(0, 3_600_000), {
        nodeId: `node-${r.int(1, 4)}`,
        level: LEVELS[r.int(0, 2)]!,
        component: r.chance(0.3) ? '' : 'transport',
        body: BODIES[r.int(0, BODIES.length - 1)]!,
      }),
    );
    // whole seconds too, so entries fall on bucket and window edges
    records.push(
      ...Array.from({ length: 200 }, (_, i) =>
        logRecord(i * 15_000, { nodeId: 'node-1', body: 'transfer timed out' }),
      ),
    );
    await store.insertLogs(records);
  });
  after(() => store.close());

  const matrix = async (
    qs: LogQueryService,
    query: string,
    startMs: number,
    endMs: number,
    stepMs: number,
  ) => {
    const res = await qs.queryRange({
      query,
      startUs: startMs * 1000,
      endUs: endMs * 1000,
      limit: 100,
      stepMs,
      direction: 'backward',
    });
    assert.equal(res.data.resultType, 'matrix');
    if (res.data.resultType !== 'matrix') throw new Error('not a matrix');
    return {
      result: [...res.data.result].sort((a, b) =>
        JSON.stringify(a.metric).localeCompare(JSON.stringify(b.metric)),
      ),
      stats: res.data.stats,
    };
  };

  it('gives the matrices of the path that reads lines', async () => {
    const qs = new LogQueryService(store);
    const grids = [
      [NOW - 3_600_000, NOW, 60_000, '1m'],
      [NOW - 3_600_000 + 7_123, NOW - 1, 15_000, '1m'],
      [NOW - 1_800_000, NOW, 60_000, '45s'],
      [NOW - 600_000 + 333, NOW, 7_000, '10s'],
    ] as const;
    const pairs = [
      ['rate({node_id="node-1"}[R])', 'rate({node_id="node-1"} |~ "" [R])'],
      [
        'count_over_time({level=~"warn|error"} |= "timed out" != "again" [R])',
        'count_over_time({level=~"warn|error"} |~ "timed out" !~ "again" [R])',
      ],
      [
        'sum by (node_id) (rate({service="dwcp-node"} |= "transfer" [R]))',
        'sum by (node_id) (rate({service="dwcp-node"} |~ "transfer" [R]))',
      ],
      [
        'sum(count_over_time({component!="transport"}[R]))',
        'sum(count_over_time({component!="transport"} |~ "" [R]))',
      ],
    ] as const;
    for (const [start, end, step, range] of grids) {
      for (const [counted, read] of pairs) {
        const a = await matrix(qs, counted.replace('R', range), start, end, step);
        const b = await matrix(qs, read.replace('R', range), start, end, step);
        assert.ok(a.result.length > 0, counted);
        assert.deepEqual(a.result, b.result, `${counted} over ${start}..${end} step ${step}`);
        assert.equal(a.stats.truncated, false);
      }
    }
  });

  it('a selector on a label that is not indexed matches only the empty value; the group bound truncates', async () => {
    const qs = new LogQueryService(store);
    assert.deepEqual(
      (await matrix(qs, 'rate({node_id="node-1", job="x"}[1m])', NOW - 600_000, NOW, 60_000)).result,
      [],
    );
    assert.ok(
      (await matrix(qs, 'rate({node_id="node-1", job=""}[1m])', NOW - 600_000, NOW, 60_000)).result.length >
        0,
    );
    const bounded = await matrix(
      new LogQueryService(store, { maxScan: 5 }),
      'count_over_time({node_id="node-1"}[1m])',
      NOW - 3_600_000,
      NOW,
      60_000,
    );
    assert.equal(bounded.stats.truncated, true);
  });
});
