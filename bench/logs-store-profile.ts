/**
 * Where the log store's CPU goes per line: the bench's lines (bench/logs-data.ts) decoded and masked once, then
 * inserted through the shipped writer into fresh SQLite stores whose schema has one piece taken away (an index,
 * the full-text index) — every variant in every round, alternating, so the machine's load hits them alike. With
 * `--trace` the records carry the trace and span ids of their JSON line (as OTLP records do; the bench's Loki
 * lines carry them only in the line, so the trace-id index takes no rows without it). Other variants change a
 * setting instead (the file's page size, FTS5's `pgsz`, `automerge` and tokenizer) or add a piece (the full trace-id index
 * of migrations before 0005, trace ids in a second FTS5 table). Last, the writer's JS per entry alone and with a
 * prepared statement that writes nothing. Prints µs of CPU (user + system) per line, wall µs and file bytes; each
 * timed run ends with a WAL checkpoint, so work a variant defers to the checkpoint is counted (since the variants
 * of `wal_autocheckpoint`; runs before included only the checkpoints SQLite made during the run).
 *
 * Run: `npx tsx bench/logs-store-profile.ts [--lines 100000] [--rounds 3] [--trace] [--only a,b] [--concurrent N]`
 * (`--concurrent N`: N batches handed to the store at once).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { decodeLokiPush } from '../src/logs/loki/decode.ts';
import type { LogRecord } from '../src/logs/record.ts';
import { openSqliteLogStore } from '../src/logs/store/open.ts';
import { bodies, DAY, lines, maskingReceiver } from './logs-data.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const LINES = arg('lines', 100_000);
const ROUNDS = arg('rounds', 3);
const TRACE = process.argv.includes('--trace');
/** Batches handed to the store at once (as pushes arriving during one commit). */
const CONCURRENT = arg('concurrent', 1);
const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg >= 0 ? new Set(process.argv[onlyArg + 1]!.split(',')) : undefined;

/** A schema variant: statements run on the migrated, empty store before the writer opens it. */
interface Variant {
  readonly name: string;
  readonly ddl: readonly string[];
  /** Run after each batch on a second connection, with the batch's first and last entry id. */
  readonly after?: string;
  /** Page size of the new file (bytes; SQLite's default 4096), set before WAL mode fixes it. */
  readonly pageSize?: number;
  /** Pragmas run on the writer's own connection after it opens (per-connection settings). */
  readonly pragmas?: readonly string[];
}

/** The full-text table replaced by a view whose inserts do nothing (the writer's statement still runs). */
const NO_FTS = [
  'drop table log_fts',
  "create view log_fts(rowid, body) as select 0, ''",
  'create trigger log_fts_noop instead of insert on log_fts begin select 1; end',
];

const VARIANTS: Variant[] = [
  { name: 'shipped', ddl: [] },
  { name: 'no-stream-idx', ddl: ['drop index log_entries_stream_time_idx'] },
  { name: 'no-time-idx', ddl: ['drop index log_entries_time_idx'] },
  { name: 'no-trace-idx', ddl: ['drop index log_entries_trace_prefix_idx'] },
  { name: 'no-fts', ddl: NO_FTS },
  { name: 'page-4k', ddl: [], pageSize: 4096 },
  // the store before migration 0006 (FTS5's default leaf size); 'shipped' has 16000 since
  { name: 'fts-pgsz-1000', ddl: ["insert into log_fts (log_fts, rank) values ('pgsz', 1000)"] },
  { name: 'fts-pgsz-16k', ddl: ["insert into log_fts (log_fts, rank) values ('pgsz', 16000)"] },
  { name: 'fts-pgsz-64k', ddl: ["insert into log_fts (log_fts, rank) values ('pgsz', 64000)"] },
  { name: 'fts-automerge-2', ddl: ["insert into log_fts (log_fts, rank) values ('automerge', 2)"] },
  // FTS5 merges segments of a level once `automerge` of them exist (default 4) and all at once at `crisismerge`
  // (default 16): fewer merge passes per entry, more segments for a search to read
  { name: 'fts-automerge-8', ddl: ["insert into log_fts (log_fts, rank) values ('automerge', 8)"] },
  {
    name: 'fts-automerge-16',
    ddl: [
      "insert into log_fts (log_fts, rank) values ('automerge', 16)",
      "insert into log_fts (log_fts, rank) values ('crisismerge', 64)",
    ],
  },
  { name: 'fts-crisismerge-64', ddl: ["insert into log_fts (log_fts, rank) values ('crisismerge', 64)"] },
  // WAL checkpoints every 4000 / 16 000 pages instead of SQLite's 1000 (per connection)
  { name: 'wal-ckpt-4000', ddl: [], pragmas: ['wal_autocheckpoint = 4000'] },
  { name: 'wal-ckpt-16000', ddl: [], pragmas: ['wal_autocheckpoint = 16000'] },
  // FTS5's ascii tokenizer instead of unicode61 (not the same tokens for non-ASCII text: measured only)
  {
    name: 'fts-ascii',
    ddl: [
      'drop table log_fts',
      "create virtual table log_fts using fts5(body, content='', columnsize=0, detail='none', tokenize='ascii')",
      "insert into log_fts (log_fts, rank) values ('pgsz', 16000)",
    ],
  },
  { name: 'page-1k', ddl: [], pageSize: 1024 },
  { name: 'page-2k', ddl: [], pageSize: 2048 },
  { name: 'page-8k', ddl: [], pageSize: 8192 },
  { name: 'page-16k', ddl: [], pageSize: 16384 },
  { name: 'page-32k', ddl: [], pageSize: 32768 },
  { name: 'page-64k', ddl: [], pageSize: 65536 },
  {
    name: 'full-trace-idx',
    ddl: [
      'drop index log_entries_trace_prefix_idx',
      "create index log_entries_trace_idx on log_entries (trace_id) where trace_id <> ''",
    ],
  },
  {
    name: 'trace-fts',
    ddl: [
      'drop index log_entries_trace_prefix_idx',
      "create virtual table log_trace_fts using fts5(t, content='', columnsize=0, detail='none', tokenize='unicode61 remove_diacritics 0')",
    ],
    after:
      "insert into log_trace_fts (rowid, t) select id, trace_id from log_entries where id >= ? and id <= ? and trace_id <> ''",
  },
  // the entries clustered by stream: a table without rowid keyed by (stream id, time, id) instead of a rowid table
  // plus the (stream id, time) index, so a scan by stream reads a stream's rows from adjacent pages; the entry id
  // (the full-text index's rowid) gets a unique index of its own
  {
    name: 'clustered-by-stream',
    ddl: [
      'drop table log_entries',
      'create table log_entries (id integer not null, time_us bigint not null, trace_id text not null, span_id text not null, body text not null, attrs text not null, stream_id bigint not null, primary key (stream_id, time_us, id)) without rowid',
      'create unique index log_entries_id_idx on log_entries (id)',
      'create index log_entries_time_idx on log_entries (time_us)',
      "create index log_entries_trace_prefix_idx on log_entries (substr(trace_id, 1, 8)) where trace_id <> ''",
    ],
  },
  {
    name: 'bare-row',
    ddl: [
      ...NO_FTS,
      'drop index log_entries_stream_time_idx',
      'drop index log_entries_time_idx',
      'drop index log_entries_trace_prefix_idx',
    ],
  },
];

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function main(): Promise<void> {
  const now = Date.now();
  const { limits, rx } = maskingReceiver(now);
  const batches: LogRecord[][] = bodies(lines(LINES, now, 7)).map((b) =>
    decodeLokiPush(b, 'json', limits, now).records.map((r) => {
      const m = rx.mask(r);
      if (!TRACE) return m;
      const j = JSON.parse(r.body) as { trace_id?: string; span_id?: string };
      return { ...m, traceId: j.trace_id ?? '', spanId: j.span_id ?? '' };
    }),
  );
  const retentionMs = { debug: 2 * DAY, info: 2 * DAY, warn: 2 * DAY, error: 2 * DAY, fatal: 2 * DAY };
  const variants = VARIANTS.filter((v) => ONLY === undefined || ONLY.has(v.name));
  const results = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  console.log(
    `${LINES} lines in ${batches.length} batches (${CONCURRENT} at once), trace ids ${TRACE ? 'on' : 'off'}`,
  );
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of variants) {
      const dir = mkdtempSync(join(tmpdir(), 'dwcp-logs-profile-'));
      const path = join(dir, 'logs.db');
      try {
        if (v.pageSize !== undefined) {
          const pre = new BetterSqlite3(path);
          pre.pragma(`page_size = ${v.pageSize}`);
          pre.pragma('journal_mode = WAL');
          pre.close();
        }
        await (await openSqliteLogStore(path, { retentionMs })).close();
        const raw = new BetterSqlite3(path);
        for (const s of v.ddl) raw.exec(s);
        raw.close();
        const st = await openSqliteLogStore(path, { retentionMs, maxEntries: 100_000_000 });
        for (const p of v.pragmas ?? []) await sql.raw(`pragma ${p}`).execute(st.db);
        const side = v.after === undefined ? undefined : new BetterSqlite3(path);
        const after = v.after === undefined ? undefined : side!.prepare(v.after);
        let next = 1;
        const c = cpuUs();
        const w = process.hrtime.bigint();
        // the first batch alone (the writer before group commit raced on its first entry ids when batches came
        // together), then CONCURRENT at once
        for (let k = 0; k < batches.length; k += k === 0 ? 1 : CONCURRENT) {
          const ns = await Promise.all(
            batches.slice(k, k === 0 ? 1 : k + CONCURRENT).map((b) => st.insertLogs(b)),
          );
          for (const n of ns) {
            after?.run(next, next + n - 1);
            next += n;
          }
        }
        // the checkpoint work a variant defers is counted: every run ends with the WAL written back
        await sql`pragma wal_checkpoint(TRUNCATE)`.execute(st.db);
        side?.close();
        const us = (cpuUs() - c) / LINES;
        const wallUs = Number(process.hrtime.bigint() - w) / 1000 / LINES;
        await st.close();
        results.get(v.name)!.push(us);
        console.log(
          `round ${round + 1} ${v.name}: ${us.toFixed(2)} µs CPU per line (wall ${wallUs.toFixed(1)} µs, ${(statSync(path).size / LINES).toFixed(1)} bytes per line)`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  // the writer's JS per entry without SQL (stream key, map lookup, attributes JSON), then with a prepared
  // statement that writes nothing run per entry in one transaction per batch: the statement's own overhead
  const { streamKeyOf } = await import('../src/logs/store/streams.ts');
  const { attrsJson } = await import('../src/logs/store/log-rows.ts');
  const mem = new BetterSqlite3(':memory:');
  const noop = mem.prepare('select ?, ?, ?, ?, ?, ?, ?');
  const ids = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const withStmt of [false, true]) {
      let sink = 0;
      const c = cpuUs();
      for (const b of batches) {
        const run = mem.transaction(() => {
          for (const r of b) {
            const k = streamKeyOf(r);
            let sid = ids.get(k);
            if (sid === undefined) ids.set(k, (sid = ids.size + 1));
            const a = attrsJson(r.attributes);
            if (withStmt) noop.run(1, r.timeUs, sid, r.traceId, r.spanId, r.body, a);
            else sink += a.length + sid;
          }
        });
        run();
      }
      const name = withStmt ? 'js + no-op statement' : 'js only';
      if (!results.has(name)) results.set(name, []);
      results.get(name)!.push((cpuUs() - c) / LINES);
      void sink;
    }
  }
  mem.close();
  console.log('\n| variant | µs CPU per line (rounds) | median |');
  console.log('|---|---|---|');
  for (const [name, xs] of results) {
    const s = [...xs].sort((a, b) => a - b);
    console.log(`| ${name} | ${xs.map((x) => x.toFixed(2)).join(' / ')} | ${s[s.length >> 1]!.toFixed(2)} |`);
  }
}

await main();
