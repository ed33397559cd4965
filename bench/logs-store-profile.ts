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
 * Run: `npx tsx bench/logs-store-profile.ts [--lines 100000] [--rounds 3] [--trace] [--only a,b] [--concurrent N]
 * [--lines-per-second R] [--no-warmup] [--digest]` (a warm-up run of the first variant, not counted, comes first unless
 * `--no-warmup`) (`--concurrent N`: N batches handed to the store at once; `--lines-per-second R`: the
 * lines' timestamps span `lines / R` seconds instead of an hour; `--digest`: a hash of the stored rows after each run,
 * equal for variants that store the same rows). The variants are in bench/logs-store-variants.ts.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { decodeLokiPush } from '../src/logs/loki/decode.ts';
import type { LogRecord } from '../src/logs/record.ts';
import { bodies, DAY, lines, maskingReceiver } from './logs-data.ts';
import { openVariantStore, VARIANTS } from './logs-store-variants.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const LINES = arg('lines', 100_000);
const ROUNDS = arg('rounds', 3);
const TRACE = process.argv.includes('--trace');
/** A warm-up run of the first variant before the counted rounds (`--no-warmup`: none, as before). */
const WARMUP = !process.argv.includes('--no-warmup');
/** Batches handed to the store at once (as pushes arriving during one commit). */
const CONCURRENT = arg('concurrent', 1);
/** Lines per second of the lines' timestamps (0: the lines span the hour before now). */
const RATE = arg('lines-per-second', 0);
/** After each run, a hash of every stored entry and stream row and of a few full-text matches (variants that must store the same rows print the same). */
const DIGEST = process.argv.includes('--digest');
const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg >= 0 ? new Set(process.argv[onlyArg + 1]!.split(',')) : undefined;

/** SHA-256 (first 16 hex digits) of a store file's entry rows (values and their SQLite types), stream rows and full-text matches of a few words. */
function digest(path: string): string {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    const h = createHash('sha256');
    const rows = db
      .prepare(
        'select id, time_us, typeof(time_us), stream_id, typeof(stream_id), trace_id, span_id, body, typeof(body), attrs from log_entries order by id',
      )
      .raw();
    for (const r of rows.iterate()) h.update(JSON.stringify(r));
    for (const r of db.prepare('select * from log_streams order by id').raw().iterate())
      h.update(JSON.stringify(r));
    const match = db.prepare('select group_concat(rowid) from log_fts where log_fts match ?').pluck();
    for (const w of ['migration', 'timed', 'quorum', 'node', 'lost']) h.update(String(match.get(w)));
    return h.digest('hex').slice(0, 16);
  } finally {
    db.close();
  }
}

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function main(): Promise<void> {
  const now = Date.now();
  const { limits, rx } = maskingReceiver(now);
  const batches: LogRecord[][] = bodies(
    RATE > 0 ? lines(LINES, now, 7, (LINES / RATE) * 1000) : lines(LINES, now, 7),
  ).map((b) =>
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
  // round 0 warms the process up (JIT, SQLite's allocator, the page cache) with the first variant, not counted: the
  // first variant's first round was 2–5 µs per line dearer than its later rounds
  for (let round = WARMUP ? 0 : 1; round <= ROUNDS; round++) {
    for (const v of round === 0 ? variants.slice(0, 1) : variants) {
      const dir = mkdtempSync(join(tmpdir(), 'dwcp-logs-profile-'));
      const path = join(dir, 'logs.db');
      try {
        const st = await openVariantStore(path, v, { retentionMs, maxEntries: 100_000_000 });
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
        if (round > 0) results.get(v.name)!.push(us);
        console.log(
          `${round === 0 ? 'warm-up (not counted)' : `round ${round}`} ${v.name}: ${us.toFixed(2)} µs CPU per line (wall ${wallUs.toFixed(1)} µs, ${(statSync(path).size / LINES).toFixed(1)} bytes per line)${DIGEST ? `, rows ${digest(path)}` : ''}`,
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
