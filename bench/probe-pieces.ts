/**
 * The monitor's pieces for the probe's profile summaries (probe-profile-summary.ts for CPU,
 * alloc-profile-summary.ts for allocated bytes): each stack goes to the first piece whose test matches its frames
 * (`function@dir/file.ts`, innermost first), so reads made by the rollout provider count as the rollout's.
 */

/** Pieces in order of precedence: a name and a test on the stack's frames (`function@dir/file.ts`). */
export const PIECES: readonly (readonly [string, (frames: readonly string[]) => boolean])[] = [
  ['garbage collection', (f) => f[0]!.startsWith('(garbage')],
  ['insights: rollout provider (reads + statistics)', (f) => f.some((x) => x.includes('@monitor/rollout-'))],
  ['insights: SLO provider', (f) => f.some((x) => /^(slo|sloSeries)@monitor\//.test(x))],
  ['insights: regions', (f) => f.some((x) => x.startsWith('regions@monitor/'))],
  ['rollups (downsampler)', (f) => f.some((x) => x.includes('@tsdb/downsampler'))],
  ['retention', (f) => f.some((x) => x.includes('@tsdb/retention'))],
  [
    'other raw reads and series lookups',
    (f) => f.some((x) => /^(readPoints|findSeries|read)@(tsdb|store)\//.test(x)),
  ],
  ['detector-state checkpoints', (f) => f.some((x) => x.includes('@monitor/checkpointer'))],
  ['store: series resolution (new series)', (f) => f.some((x) => x.startsWith('resolveSeriesIds@'))],
  ['store: chunk writes', (f) => f.some((x) => x.includes('@tsdb/chunk-writer'))],
  ['store: head append (chunk encoding)', (f) => f.some((x) => x.startsWith('append@tsdb/head'))],
  ['store: WAL', (f) => f.some((x) => x.includes('@tsdb/wal'))],
  ['store: rest of the append', (f) => f.some((x) => x.includes('@tsdb/'))],
  ['parse', (f) => f.some((x) => /^(parseOpenMetrics|parseExposition\w*)@/.test(x))],
  ['series tracker', (f) => f.some((x) => /@monitor\/(series-tracker|scrape-cache|histogram-means)/.test(x))],
  ['detection', (f) => f.some((x) => x.includes('@monitor/detection-engine'))],
  ['scrape: HTTP, body, target labels', (f) => f.some((x) => x.includes('@ingest/'))],
  ['SQLite otherwise (commits, other tables)', (f) => f.some((x) => x.includes('sqlite-driver'))],
  ['rest (sockets, timers, metrics endpoint)', () => true],
];
