/**
 * The log benchmarks' search cases (bench/logs.ts, bench/logs-search.ts): full-text term queries, label queries,
 * a LogQL line filter on one node and LogQL `rate` over the hour before `now`, each a closure drawing its word or
 * node from a seeded generator; and their p50/p99 over repeated runs.
 */
import type { LogQueryService } from '../src/logs/query-service.ts';
import { quantileSorted } from '../src/math/quantile.ts';
import { Prng } from '../src/sim/prng.ts';
import { NODES, WORDS } from './logs-data.ts';

/** The six search cases over the hour before `nowMs` (names as printed in the bench's table). */
export function searchCases(qs: LogQueryService, nowMs: number): [string, () => Promise<unknown>][] {
  const r = new Prng(3);
  const startUs = (nowMs - 3_600_000) * 1000;
  const endUs = (nowMs + 1) * 1000;
  const node = () => `node-${r.int(1, NODES)}`;
  return [
    [
      'term (/api/logs q=<word>, newest 100)',
      () =>
        qs.search({ startUs, endUs, limit: 100, words: [WORDS[r.int(0, WORDS.length - 1)]!], labels: {} }),
    ],
    [
      'two terms (q="quorum lost", newest 100)',
      () => qs.search({ startUs, endUs, limit: 100, words: ['quorum', 'lost'], labels: {} }),
    ],
    [
      'label (node_id=<node>, newest 100)',
      () => qs.search({ startUs, endUs, limit: 100, words: [], labels: { node_id: node() } }),
    ],
    [
      'label (level=error, node, newest 100)',
      () =>
        qs.search({ startUs, endUs, limit: 100, words: [], levels: ['error'], labels: { node_id: node() } }),
    ],
    [
      'LogQL {node_id=<node>} |= " timed out " (100)',
      () =>
        qs.queryRange({
          query: `{node_id="${node()}"} |= " timed out "`,
          startUs,
          endUs,
          limit: 100,
          stepMs: 60_000,
          direction: 'backward',
        }),
    ],
    [
      'LogQL rate({node_id=<node>, level="error"}[1m]) over 1 h',
      () =>
        qs.queryRange({
          query: `rate({node_id="${node()}", level="error"}[1m])`,
          startUs,
          endUs,
          limit: 100,
          stepMs: 60_000,
          direction: 'backward',
        }),
    ],
    [
      'tail history: LogQL {node_id=<node>} newest 100 of the hour',
      () =>
        qs.queryRange({
          query: `{node_id="${node()}"}`,
          startUs,
          endUs,
          limit: 100,
          stepMs: 60_000,
          direction: 'backward',
        }),
    ],
    [
      'trace lookup (trace id + node_id=<node>; no line holds it)',
      () =>
        qs.search({
          startUs,
          endUs,
          limit: 100,
          words: [],
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
          labels: { node_id: node() },
        }),
    ],
  ];
}

/**
 * Runs each case once (warm-up) and then `runs` times; prints a table of p50/p99 wall ms and the mean CPU ms of a
 * run (user + system of the process; better-sqlite3 reads on this thread), which a loaded machine inflates less.
 */
export async function printSearchTable(
  cases: readonly [string, () => Promise<unknown>][],
  runs: number,
  before?: () => Promise<void>,
): Promise<void> {
  console.log('| query | p50 ms | p99 ms | CPU ms per run (mean) |');
  console.log('|---|---|---|---|');
  for (const [name, run] of cases) {
    await before?.();
    await run();
    const t: number[] = [];
    let cpuUs = 0;
    for (let i = 0; i < runs; i++) {
      await before?.();
      const c0 = process.cpuUsage();
      const s = process.hrtime.bigint();
      await run();
      t.push(Number(process.hrtime.bigint() - s) / 1e6);
      const c = process.cpuUsage(c0);
      cpuUs += c.user + c.system;
    }
    t.sort((a, b) => a - b);
    console.log(
      `| ${name} | ${quantileSorted(t, 0.5).toFixed(1)} | ${quantileSorted(t, 0.99).toFixed(1)} | ${(cpuUs / 1000 / runs).toFixed(1)} |`,
    );
  }
}
