/**
 * Prototype of a block layout for the log store (Loki's chunks), measured against the row-per-line store on the
 * same lines (bench/logs-data.ts). Not the product's store: a measurement of what the layout would cost and give
 * before the store is rewritten (docs/logs-history.md "Block layout (Loki's chunks): a prototype,
 * measured, not adopted").
 *
 * Layout (SQLite): `log_streams` as today; `log_blocks` one row per (stream, block of up to `--block-lines` lines,
 * `--block-kib` KiB or `--block-min` minutes of timestamps), with the block's time range, line count, times
 * (Float64Array bytes), lines + trace/span ids + attributes (one JSON array, optionally deflated), indexed by
 * (stream_id, max_us) and max_us; FTS5 (`detail=none`, contentless) over each block's lines and trace ids, one
 * FTS row per block. Open blocks are kept in memory per stream; each batch is also written whole as one row of a
 * head log (`log_head`: the write-ahead log of the open blocks, deleted once every line in it is in a block), so an
 * acknowledged line survives kill -9. Open blocks are bounded (`--open-mib`: beyond it the largest are cut).
 *
 * Measured: CPU per line of the store step (same decoded, masked records as bench:logs' "store only"), the
 * row-per-line store on the same records as anchor, bytes per line, and p50/p99 of the bench:logs queries
 * answered from blocks (candidate blocks from FTS5 or the stream index, lines decoded and filtered exactly).
 *
 * Run: `npx tsx bench/logs-blocks.ts [--lines 200000] [--store-lines 1000000] [--runs 20] [--block-lines 1000]
 * [--block-kib 256] [--block-min 10] [--open-mib 64] [--deflate] [--no-wal] [--no-anchor] [--ordered] [--line-fts] [--wal-file]`.
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { DEFAULT_LOG_LIMITS } from '../src/logs/limits.ts';
import { decodeLokiPush } from '../src/logs/loki/decode.ts';
import { PiiMasker } from '../src/logs/pii/masker.ts';
import type { LogRecord } from '../src/logs/record.ts';
import { attrsJson, textTokens } from '../src/logs/store/log-rows.ts';
import { openSqliteLogStore } from '../src/logs/store/open.ts';
import { streamKeyOf } from '../src/logs/store/streams.ts';
import { quantileSorted } from '../src/math/quantile.ts';
import { Prng } from '../src/sim/prng.ts';
import { openSqliteConnection } from '../src/store/sqlite.ts';
import { bodies, DAY, lines, NODES, WORDS } from './logs-data.ts';

const argv = process.argv;
const arg = (name: string, dflt: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const LINES = arg('lines', 200_000);
const STORE_LINES = Math.max(LINES, arg('store-lines', 1_000_000));
const RUNS = arg('runs', 20);
const BLOCK_LINES = arg('block-lines', 1000);
const BLOCK_BYTES = arg('block-kib', 256) * 1024;
const BLOCK_SPAN_US = arg('block-min', 10) * 60_000_000;
const OPEN_BYTES = arg('open-mib', 64) * 1024 * 1024;
const DEFLATE = argv.includes('--deflate');
const WAL = !argv.includes('--no-wal');
const ORDERED = argv.includes('--ordered');
/** FTS5 rows per line (rowid = block id × 1024 + line) instead of one per block. */
const LINE_FTS = argv.includes('--line-fts');
/** The head log as a file (one write(2) per batch: fields joined by NUL, records by SOH) instead of an SQLite row. */
const WAL_FILE = argv.includes('--wal-file');
/** File descriptor of the --wal-file head log. */
let walFd = -1;

interface OpenBlock {
  readonly sid: number;
  times: number[];
  rows: [string, string, string, string][];
  bytes: number;
  minUs: number;
  maxUs: number;
  /** Oldest head-log row holding one of its lines. */
  firstHead: number;
}

/** The prototype block store (SQLite only). */
class BlockStore {
  readonly open = new Map<string, OpenBlock>();
  openBytes = 0;
  blocks = 0;
  private readonly streamIds = new Map<string, number>();
  private nextHead = 1;
  private readonly insertTx: (records: readonly LogRecord[]) => void;
  private readonly flushTx: () => void;
  private readonly addBlock: BetterSqlite3.Statement;
  private readonly addFts: BetterSqlite3.Statement;

  constructor(readonly raw: BetterSqlite3.Database) {
    raw.exec(`create table log_streams (id integer primary key, key text not null unique, node_id text not null, level text not null);
      create table log_blocks (id integer primary key, stream_id integer not null, min_us integer not null, max_us integer not null, n integer not null, times blob not null, lines blob not null);
      create index log_blocks_stream_idx on log_blocks (stream_id, max_us);
      create index log_blocks_time_idx on log_blocks (max_us);
      create table log_head (id integer primary key, batch text not null);
      create virtual table log_block_fts using fts5(text, content='', contentless_delete=1, detail='none', tokenize='unicode61 remove_diacritics 0');`);
    const addStream = raw.prepare('insert into log_streams (key, node_id, level) values (?, ?, ?)');
    const addHead = raw.prepare('insert into log_head (id, batch) values (?, ?)');
    const dropHead = raw.prepare('delete from log_head where id < ?');
    this.addBlock = raw.prepare(
      'insert into log_blocks (stream_id, min_us, max_us, n, times, lines) values (?, ?, ?, ?, ?, ?)',
    );
    this.addFts = raw.prepare('insert into log_block_fts (rowid, text) values (?, ?)');
    this.insertTx = raw.transaction((records: readonly LogRecord[]) => {
      const head = this.nextHead++;
      if (WAL_FILE) {
        let rec = '';
        for (const r of records)
          rec += `${r.timeUs}\u0000${streamKeyOf(r)}\u0000${r.traceId}\u0000${r.spanId}\u0000${r.body}\u0000${attrsJson(r.attributes)}\u0001`;
        writeSync(walFd, rec);
      } else if (WAL)
        addHead.run(
          head,
          JSON.stringify(
            records.map((r) => [
              r.timeUs,
              streamKeyOf(r),
              r.traceId,
              r.spanId,
              r.body,
              attrsJson(r.attributes),
            ]),
          ),
        );
      for (const r of records) {
        const key = streamKeyOf(r);
        let b = this.open.get(key);
        if (b === undefined) {
          let sid = this.streamIds.get(key);
          if (sid === undefined)
            this.streamIds.set(key, (sid = Number(addStream.run(key, r.nodeId, r.level).lastInsertRowid)));
          this.open.set(
            key,
            (b = { sid, times: [], rows: [], bytes: 0, minUs: r.timeUs, maxUs: r.timeUs, firstHead: head }),
          );
        }
        b.times.push(r.timeUs);
        b.rows.push([r.body, r.traceId, r.spanId, attrsJson(r.attributes)]);
        const size = r.body.length + 64;
        b.bytes += size;
        this.openBytes += size;
        if (r.timeUs < b.minUs) b.minUs = r.timeUs;
        if (r.timeUs > b.maxUs) b.maxUs = r.timeUs;
        if (b.times.length >= BLOCK_LINES || b.bytes >= BLOCK_BYTES || b.maxUs - b.minUs >= BLOCK_SPAN_US)
          this.cut(key, b);
      }
      while (this.openBytes > OPEN_BYTES) {
        let big: [string, OpenBlock] | undefined;
        for (const e of this.open) if (big === undefined || e[1].bytes > big[1].bytes) big = e;
        this.cut(big![0], big![1]);
      }
      if (WAL) {
        let oldest = head + 1;
        for (const b of this.open.values()) if (b.firstHead < oldest) oldest = b.firstHead;
        dropHead.run(oldest);
      }
    });
    this.flushTx = raw.transaction(() => {
      for (const [k, b] of this.open) this.cut(k, b);
      raw.prepare('delete from log_head').run();
    });
  }

  private cut(key: string, b: OpenBlock): void {
    this.open.delete(key);
    this.openBytes -= b.bytes;
    const text = JSON.stringify(b.rows);
    const id = Number(
      this.addBlock.run(
        b.sid,
        b.minUs,
        b.maxUs,
        b.times.length,
        Buffer.from(new Float64Array(b.times).buffer),
        DEFLATE ? deflateRawSync(text, { level: 1 }) : text,
      ).lastInsertRowid,
    );
    if (LINE_FTS) {
      for (let i = 0; i < b.rows.length; i++)
        this.addFts.run(
          id * 1024 + i,
          b.rows[i]![1] === '' ? b.rows[i]![0] : `${b.rows[i]![0]} ${b.rows[i]![1]}`,
        );
    } else {
      let fts = '';
      for (const r of b.rows) fts += r[1] === '' ? `${r[0]}\n` : `${r[0]} ${r[1]}\n`;
      this.addFts.run(id, fts);
    }
    this.blocks++;
  }

  insert(records: readonly LogRecord[]): void {
    this.insertTx(records);
  }

  flush(): void {
    this.flushTx();
  }
}

/** Blocks decoded by the queries (for the per-query mean). */
let blocksRead = 0;

interface Hit {
  readonly t: number;
  readonly body: string;
}

function decodeLines(v: Buffer | string): [string, string, string, string][] {
  return JSON.parse(
    typeof v === 'string' ? v : DEFLATE ? inflateRawSync(v).toString('utf8') : v.toString('utf8'),
  ) as [string, string, string, string][];
}

function decodeTimes(v: Buffer): Float64Array {
  const a = new Float64Array(v.length / 8);
  Buffer.from(a.buffer).set(v);
  return a;
}

/**
 * Newest `limit` lines of the candidate blocks (ids in max_us order, newest first; the blobs read by id, so the
 * ordering sorts ids, not blocks) that `keep` accepts: blocks are read until the next block's newest line is older than the limit-th hit.
 */
function newest(
  blocks: Iterable<{ id: number; max_us: number }>,
  read: (id: number) => { times: Buffer; lines: Buffer },
  startUs: number,
  endUs: number,
  limit: number,
  keep: (body: string) => boolean,
): Hit[] {
  const hits: Hit[] = [];
  for (const b of blocks) {
    if (hits.length >= limit) {
      hits.sort((x, y) => y.t - x.t);
      hits.length = limit;
      if (b.max_us < hits[limit - 1]!.t) break;
    }
    blocksRead++;
    const blob = read(b.id);
    const ts = decodeTimes(blob.times);
    const rows = decodeLines(blob.lines);
    for (let i = 0; i < rows.length; i++) {
      const t = ts[i]!;
      if (t >= startUs && t < endUs && keep(rows[i]![0])) hits.push({ t, body: rows[i]![0] });
    }
  }
  hits.sort((x, y) => y.t - x.t);
  return hits.slice(0, limit);
}

/** The line holds every token (as the FTS tokenizer cuts it). */
function hasTokens(words: readonly string[]): (body: string) => boolean {
  return (body) => {
    const toks = new Set(textTokens(body.length > 4096 ? body.slice(0, 4096) : body));
    return words.every((w) => toks.has(w));
  };
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function main(): Promise<void> {
  const now = Date.now();
  const limits = { ...DEFAULT_LOG_LIMITS, maxAgeMs: 2 * DAY };
  const masker = new PiiMasker();
  const toRecords = (bs: Buffer[]): LogRecord[][] =>
    bs.map((b) =>
      decodeLokiPush(b, 'json', limits, now).records.map((r) => ({ ...r, body: masker.mask(r.body) })),
    );
  const ls = lines(LINES, now, 7);
  const rawBytes = ls.reduce((a, l) => a + Buffer.byteLength(l.line) + 1, 0);
  const batches = toRecords(bodies(ls));
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-bench-blocks-'));
  console.log(
    `blocks: up to ${BLOCK_LINES} lines, ${BLOCK_BYTES / 1024} KiB, ${BLOCK_SPAN_US / 60_000_000} min of timestamps; open blocks ≤ ${OPEN_BYTES / 1048576} MiB; ${DEFLATE ? 'deflate level 1' : 'JSON text'}; head log ${WAL_FILE ? 'file' : WAL ? 'SQLite row' : 'off'}`,
  );
  try {
    if (!argv.includes('--no-anchor')) {
      const retentionMs = { debug: 2 * DAY, info: 2 * DAY, warn: 2 * DAY, error: 2 * DAY, fatal: 2 * DAY };
      const rowStore = await openSqliteLogStore(join(dir, 'rows.db'), {
        retentionMs,
        maxEntries: 100_000_000,
      });
      const c0 = cpuSeconds();
      for (const rs of batches) await rowStore.insertLogs(rs);
      const rowCpu = cpuSeconds() - c0;
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(rowStore.db);
      await rowStore.close();
      console.log(
        `row per line (shipped store), store only: ${((rowCpu / LINES) * 1e6).toFixed(2)} µs CPU per line = ${Math.round(LINES / rowCpu).toLocaleString('en-US')} lines per CPU-second; ${(statSync(join(dir, 'rows.db')).size / LINES).toFixed(1)} bytes/line (raw JSON ${(rawBytes / LINES).toFixed(1)})`,
      );
    }
    const { db, raw } = openSqliteConnection(join(dir, 'blocks.db'));
    if (WAL_FILE) walFd = openSync(join(dir, 'head.log'), 'a');
    const store = new BlockStore(raw);
    const c1 = cpuSeconds();
    for (const rs of batches) store.insert(rs);
    store.flush();
    const blockCpu = cpuSeconds() - c1;
    raw.pragma('wal_checkpoint(TRUNCATE)');
    console.log(
      `blocks, store only: ${((blockCpu / LINES) * 1e6).toFixed(2)} µs CPU per line = ${Math.round(LINES / blockCpu).toLocaleString('en-US')} lines per CPU-second; ${store.blocks} blocks (${(LINES / store.blocks).toFixed(0)} lines each); ${(statSync(join(dir, 'blocks.db')).size / LINES).toFixed(1)} bytes/line`,
    );

    // search store: as bench:logs (every pass of --lines over the whole hour, so a stream's blocks of different passes
    // overlap in time), or with --ordered a fresh store filled in time order (pass k covers the k-th slice of the
    // hour, as lines arrive)
    if (ORDERED) {
      raw.exec('delete from log_blocks; delete from log_block_fts; delete from log_head;');
      store.blocks = 0;
      const passes = Math.ceil(STORE_LINES / LINES);
      const span = 3_600_000 / passes;
      for (let k = 0, seed = 7; k < passes; k++, seed++)
        for (const rs of toRecords(
          bodies(
            lines(Math.min(LINES, STORE_LINES - k * LINES), now - 3_600_000 + (k + 1) * span, seed, span),
          ),
        ))
          store.insert(rs);
    } else {
      for (let done = LINES, seed = 8; done < STORE_LINES; done += LINES, seed++)
        for (const rs of toRecords(bodies(lines(Math.min(LINES, STORE_LINES - done), now, seed))))
          store.insert(rs);
    }
    store.flush();
    const stored = Number((raw.prepare('select sum(n) as n from log_blocks').get() as { n: number }).n);
    const r = new Prng(3);
    const startUs = (now - 3_600_000) * 1000;
    const endUs = (now + 1) * 1000;
    // the FTS matches as a set first (one index lookup), then blocks newest-first along the time index
    const byFts = raw.prepare(
      'select b.id, b.max_us from log_blocks b where b.id in (select rowid from log_block_fts where log_block_fts match ?) and b.max_us >= ? and b.min_us < ? order by b.max_us desc',
    );
    const streamsOf = (node: string, level?: string): number[] =>
      (
        raw
          .prepare(
            `select id from log_streams where node_id = ?${level === undefined ? '' : ' and level = ?'}`,
          )
          .all(...(level === undefined ? [node] : [node, level])) as { id: number }[]
      ).map((x) => x.id);
    const byStreams = (ids: number[]) =>
      raw.prepare(
        `select id, max_us from log_blocks where stream_id in (${ids.join(',')}) and max_us >= ? and min_us < ? order by max_us desc`,
      );
    const timesOf = (ids: number[]) =>
      raw.prepare(
        `select times from log_blocks where stream_id in (${ids.join(',')}) and max_us >= ? and min_us < ?`,
      );
    type B = { id: number; max_us: number };
    const blobOf = raw.prepare('select times, lines from log_blocks where id = ?');
    const read = (id: number) => blobOf.get(id) as { times: Buffer; lines: Buffer };
    /** --line-fts: matching lines newest-first by rowid (block cut order), their blocks decoded once per page. */
    const lineFts = raw.prepare(
      'select rowid as r from log_block_fts where log_block_fts match ? and rowid < ? order by rowid desc limit 1000',
    );
    const byLines = (match: string): Hit[] => {
      const hits: Hit[] = [];
      let below = Number.MAX_SAFE_INTEGER;
      for (;;) {
        const rs = (lineFts.all(match, below) as { r: number }[]).map((x) => x.r);
        const decoded = new Map<number, { ts: Float64Array; rows: [string, string, string, string][] }>();
        for (const rowid of rs) {
          const id = Math.floor(rowid / 1024);
          let d = decoded.get(id);
          if (d === undefined) {
            blocksRead++;
            const blob = read(id);
            decoded.set(id, (d = { ts: decodeTimes(blob.times), rows: decodeLines(blob.lines) }));
          }
          const t = d.ts[rowid % 1024]!;
          if (t >= startUs && t < endUs) hits.push({ t, body: d.rows[rowid % 1024]![0] });
          if (hits.length >= 100) return hits;
        }
        if (rs.length < 1000) return hits;
        below = rs[rs.length - 1]!;
      }
    };
    const cases: [string, () => unknown][] = [
      [
        'term (q=<word>, newest 100)',
        () => {
          const w = WORDS[r.int(0, WORDS.length - 1)]!;
          return LINE_FTS
            ? byLines(`"${w}"`)
            : newest(
                byFts.iterate(`"${w}"`, startUs, endUs) as Iterable<B>,
                read,
                startUs,
                endUs,
                100,
                hasTokens([w]),
              );
        },
      ],
      [
        'two terms (q="quorum lost", newest 100)',
        () =>
          LINE_FTS
            ? byLines('"quorum" "lost"')
            : newest(
                byFts.iterate('"quorum" "lost"', startUs, endUs) as Iterable<B>,
                read,
                startUs,
                endUs,
                100,
                hasTokens(['quorum', 'lost']),
              ),
      ],
      [
        'label (node_id=<node>, newest 100)',
        () =>
          newest(
            byStreams(streamsOf(`node-${r.int(1, NODES)}`)).iterate(startUs, endUs) as Iterable<B>,
            read,
            startUs,
            endUs,
            100,
            () => true,
          ),
      ],
      [
        'label (level=error, node, newest 100)',
        () =>
          newest(
            byStreams(streamsOf(`node-${r.int(1, NODES)}`, 'error')).iterate(startUs, endUs) as Iterable<B>,
            read,
            startUs,
            endUs,
            100,
            () => true,
          ),
      ],
      [
        '{node_id=<node>} |= " timed out " (100)',
        () =>
          newest(
            byStreams(streamsOf(`node-${r.int(1, NODES)}`)).iterate(startUs, endUs) as Iterable<B>,
            read,
            startUs,
            endUs,
            100,
            (b) => b.includes(' timed out '),
          ),
      ],
      [
        'rate({node_id=<node>, level="error"}[1m]) over 1 h',
        () => {
          const counts = new Float64Array(61);
          for (const b of timesOf(streamsOf(`node-${r.int(1, NODES)}`, 'error')).iterate(
            startUs,
            endUs,
          ) as Iterable<{ times: Buffer }>) {
            blocksRead++;
            for (const t of decodeTimes(b.times))
              if (t >= startUs && t < endUs) counts[Math.floor((t - startUs) / 60_000_000)]!++;
          }
          return counts;
        },
      ],
    ];
    console.log(
      `search over ${stored.toLocaleString('en-US')} lines in ${store.blocks} blocks (one hour), ${RUNS} runs each:`,
    );
    console.log('| query | p50 ms | p99 ms | blocks decoded per query |');
    console.log('|---|---|---|---|');
    for (const [name, run] of cases) {
      run();
      const t: number[] = [];
      blocksRead = 0;
      for (let i = 0; i < RUNS; i++) {
        const s = process.hrtime.bigint();
        run();
        t.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
      t.sort((a, b) => a - b);
      console.log(
        `| ${name} | ${quantileSorted(t, 0.5).toFixed(1)} | ${quantileSorted(t, 0.99).toFixed(1)} | ${Math.round(blocksRead / RUNS)} |`,
      );
    }
    await db.destroy();
    if (walFd >= 0) closeSync(walFd);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
