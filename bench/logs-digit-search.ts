/**
 * The read side of the digit-token design (bench/logs-digit-bloom.ts): a store filled by bench/logs-fill.ts is
 * copied, the copy's FTS5 table rebuilt with tokens holding a digit taken out of ASCII lines and a Bloom filter per
 * block of 16 384 entry ids (`--build`), then newest-first word searches (the shipped `LogStore.scan` on the
 * original; the design's search on the copy) run in turns, query by query, and their entry ids compared: a search
 * holding a digit token reads FTS5's matches of all its words (rows indexed whole: non-ASCII lines, rows written
 * before the change) and, newest block first, the blocks whose filter holds every digit token — the rows whose
 * line holds the digit tokens (`instr` in SQL, then whole tokens in JS) and, when the search has other words,
 * only among FTS5's matches of those inside the block. Searches without a digit token run FTS5 as today (on the
 * smaller index: the shipped code on the copy).
 *
 * Prints per query: CPU ms (median) and wall p50 / p99 of each side, blocks and rows read by the design, whether
 * the ids were identical every run; then the filters' bytes, fill and false-positive rate (tokens not in a block).
 *
 * Run: `npx tsx bench/logs-digit-search.ts --store <file> --now <ms> [--build] [--runs 20] [--limit 100]`.
 */
import { copyFileSync, existsSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteLogStore } from '../src/logs/store/open.ts';
import { textTokens } from '../src/logs/store/log-rows.ts';
import {
  Bloom,
  BLOCK_ENTRIES,
  BlockBlooms,
  blockOf,
  DIGIT_BLOOM_FTS,
  BLOOM_BITS,
  holdsDigit,
  holdsToken,
  indexedWhole,
} from './logs-digit-bloom.ts';
import { DAY } from './logs-data.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const STORE = arg('store', '');
if (STORE === '') throw new Error('--store <file> is required');
const NOW = Number(arg('now', '0'));
const RUNS = Number(arg('runs', '20'));
const LIMIT = Number(arg('limit', '100'));
const COPY = `${STORE}.digit-${BLOCK_ENTRIES}.db`;

/** Rebuilds the copy's full-text table the design's way (the shipped table's definition and settings kept). */
function build(): void {
  const src = new BetterSqlite3(STORE);
  src.pragma('wal_checkpoint(TRUNCATE)');
  src.close();
  copyFileSync(STORE, COPY);
  const raw = new BetterSqlite3(COPY);
  const ddl =
    (raw.prepare("select sql from sqlite_master where name = 'log_fts'").pluck().get() as string) ?? '';
  const settings = raw.prepare('select k, v from log_fts_config').all() as { k: string; v: number }[];
  const c = process.cpuUsage();
  raw.exec('drop table log_fts');
  raw.exec(ddl);
  for (const s of settings)
    if (s.k !== 'version') raw.exec(`insert into log_fts (log_fts, rank) values ('${s.k}', ${Number(s.v)})`);
  const blooms = new BlockBlooms(raw);
  const fts = raw.prepare(DIGIT_BLOOM_FTS);
  const max = Number(raw.prepare('select max(id) from log_entries').pluck().get());
  for (let lo = 1; lo <= max; lo += 1000) {
    const hi = Math.min(max, lo + 999);
    raw.transaction(() => {
      fts.run(lo, hi);
      blooms.closeBefore(blockOf(hi + 1));
    })();
  }
  blooms.flush();
  raw.pragma('wal_checkpoint(TRUNCATE)');
  const d = process.cpuUsage(c);
  console.log(`built in ${((d.user + d.system) / 1e6).toFixed(1)} s CPU (${max} entries)`);
  raw.close();
}

/** The design's newest-first word search on the copy. */
class DigitSearch {
  private readonly raw: BetterSqlite3.Database;
  /** Filters by block, loaded on first use (a bounded cache in a real store: 128 KiB per block). */
  private readonly blooms = new Map<number, Bloom>();
  private readonly maxBlock: number;
  blocksRead = 0;
  rowsRead = 0;

  constructor(raw: BetterSqlite3.Database) {
    this.raw = raw;
    this.maxBlock = Number(raw.prepare('select max(block) from log_digit_blooms').pluck().get());
  }

  private bloom(block: number): Bloom | undefined {
    let b = this.blooms.get(block);
    if (b === undefined) {
      const blob = this.raw
        .prepare('select bits from log_digit_blooms where block = ?')
        .pluck()
        .get(block) as Buffer | undefined;
      if (blob === undefined) return undefined;
      const copy = new Uint8Array(blob);
      this.blooms.set(block, (b = new Bloom(new Uint32Array(copy.buffer, 0, copy.byteLength / 4))));
    }
    return b;
  }

  /** Entry ids of the newest `limit` matches in [startUs, endUs), newest-arrived first. */
  search(words: readonly string[], startUs: number, endUs: number, limit: number): number[] {
    const match = words.map((w) => `"${w}"`).join(' ');
    const digits = words.filter(holdsDigit);
    // the longest digit token is looked for in SQL (fewest rows pass), every word is checked in JS
    const longest = [...digits].sort((a, b) => b.length - a.length)[0];
    const others = words.filter((w) => !holdsDigit(w));
    const inRange = this.raw.prepare('select time_us from log_entries where id = ?').pluck();
    const ok = (id: number) => {
      const t = Number(inRange.get(id));
      return t >= startUs && t < endUs;
    };
    const out: number[] = [];
    // rows indexed whole (non-ASCII lines, rows before the change): FTS5's matches of every word
    const whole = (
      this.raw
        .prepare(`select rowid from log_fts where log_fts match ? order by rowid desc limit ?`)
        .pluck()
        .all(match, digits.length === 0 ? limit * 4 : 10_000) as number[]
    ).filter(ok);
    if (digits.length === 0) return whole.slice(0, limit);
    const digitOnly = digits.every((d) => /^[0-9]+$/.test(d));
    const rowsOf = this.raw.prepare(
      `select id, time_us, body from log_entries where id >= ? and id <= ? and instr(${digitOnly ? 'body' : 'lower(body)'}, ?) > 0 order by id desc`,
    );
    let w = 0;
    for (let block = this.maxBlock; block >= 0 && out.length < limit; block--) {
      const lo = block * BLOCK_ENTRIES;
      const hi = lo + BLOCK_ENTRIES - 1;
      // the rows indexed whole in this block first (they are newer than the blocks below)
      const fromWhole: number[] = [];
      while (w < whole.length && whole[w]! >= lo) fromWhole.push(whole[w++]!);
      const b = this.bloom(block);
      const found: number[] = [];
      if (b !== undefined && digits.every((d) => b.has(d))) {
        this.blocksRead++;
        for (const r of rowsOf.iterate(lo, hi, longest!) as Iterable<{
          id: number;
          time_us: number;
          body: string;
        }>) {
          this.rowsRead++;
          // a line indexed whole is FTS5's (above); an ASCII line's tokens are its letter/digit runs
          if (indexedWhole(r.body) || r.time_us < startUs || r.time_us >= endUs) continue;
          const lower = digitOnly && others.length === 0 ? undefined : r.body.toLowerCase();
          if (words.every((x) => holdsToken(r.body, lower, x))) found.push(r.id);
        }
      }
      const ids = [...fromWhole, ...found].sort((a, c) => c - a);
      for (const id of ids) {
        out.push(id);
        if (out.length >= limit) break;
      }
    }
    return out;
  }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

async function main(): Promise<void> {
  if (process.argv.includes('--build') || !existsSync(COPY)) build();
  const raw = new BetterSqlite3(COPY, { readonly: true });
  raw.pragma('mmap_size = 2147483648');
  const retentionMs = { debug: 2 * DAY, info: 2 * DAY, warn: 2 * DAY, error: 2 * DAY, fatal: 2 * DAY };
  const store = await openSqliteLogStore(STORE, { retentionMs, maxEntries: 100_000_000 });
  // a search without a digit token runs the shipped code on the copy's smaller index
  const copyStore = await openSqliteLogStore(COPY, { retentionMs, maxEntries: 100_000_000 });
  try {
    const max = Number(raw.prepare('select max(id) from log_entries').pluck().get());
    const row = (id: number) =>
      raw.prepare('select body from log_entries where id = ?').pluck().get(id) as string;
    // the queries' tokens from lines of the store (deterministic): an old line's trace id (one match), a VM id
    // (~1 in 5000 lines), the attempt number (a third of the lines), an ordinary word, a word with a number
    const old = JSON.parse(row(Math.floor(max * 0.1))) as { trace_id?: string; vm_id: string; time: number };
    let traced = Math.floor(max * 0.1);
    let oldTrace = old.trace_id;
    while (oldTrace === undefined) oldTrace = (JSON.parse(row(++traced)) as { trace_id?: string }).trace_id;
    const mid = JSON.parse(row(Math.floor(max * 0.5))) as { vm_id: string; time: number };
    const queries: { name: string; q: string }[] = [
      { name: 'digit: trace id of an old line (1 match)', q: oldTrace },
      { name: 'digit: vm id (word + number)', q: mid.vm_id },
      { name: 'digit: a line time (ms)', q: String(old.time) },
      { name: 'digit: a common number ("2")', q: '2' },
      { name: 'digit + word: "quorum 3"', q: 'quorum 3' },
      { name: 'digit: a number in few lines ("4999")', q: '4999' },
      { name: 'ordinary word ("quorum")', q: 'quorum' },
      { name: 'two words ("timed out")', q: 'timed out' },
    ];
    const startUs = (NOW - 2 * 3_600_000) * 1000;
    const endUs = (NOW + 60_000) * 1000;
    const design = new DigitSearch(raw);
    const cpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    console.log(`${max} entries; ${RUNS} runs per query, limit ${LIMIT}`);
    console.log(
      '| query | shipped CPU ms (median) | shipped p50 / p99 ms | design CPU ms (median) | design p50 / p99 ms | blocks / rows read | matches | identical |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const { name, q } of queries) {
      const words = textTokens(q);
      const s = { cpu: [] as number[], wall: [] as number[] };
      const d = { cpu: [] as number[], wall: [] as number[] };
      let same = true;
      let n = 0;
      design.blocksRead = 0;
      design.rowsRead = 0;
      for (let r = 0; r < RUNS; r++) {
        let c = cpu();
        let t = performance.now();
        const scan = {
          startUs,
          endUs,
          labels: [],
          words,
          direction: 'backward',
          limit: LIMIT,
          maxScan: 1_000_000,
        } as const;
        const shipped = await store.scan(scan);
        s.cpu.push(cpu() - c);
        s.wall.push(performance.now() - t);
        c = cpu();
        t = performance.now();
        const ids = words.some(holdsDigit)
          ? design.search(words, startUs, endUs, LIMIT)
          : (await copyStore.scan(scan)).entries.map((e) => e.id);
        d.cpu.push(cpu() - c);
        d.wall.push(performance.now() - t);
        const a = shipped.entries.map((e) => e.id).sort((x, y) => y - x);
        const b = [...ids].sort((x, y) => y - x);
        n = a.length;
        if (a.length !== b.length || a.some((x, i) => x !== b[i])) same = false;
      }
      console.log(
        `| ${name} | ${pct(s.cpu, 0.5).toFixed(1)} | ${pct(s.wall, 0.5).toFixed(1)} / ${pct(s.wall, 0.99).toFixed(1)} | ${pct(d.cpu, 0.5).toFixed(1)} | ${pct(d.wall, 0.5).toFixed(1)} / ${pct(d.wall, 0.99).toFixed(1)} | ${(design.blocksRead / RUNS).toFixed(1)} / ${Math.round(design.rowsRead / RUNS)} | ${n} | ${same ? 'yes' : 'NO'} |`,
      );
    }
    // the filters: bytes, share of bits set, false positives of tokens no block holds
    const blocks = raw.prepare('select block, bits from log_digit_blooms').all() as {
      block: number;
      bits: Buffer;
    }[];
    let fill = 0;
    let fp = 0;
    const probes = 2000;
    for (const { bits } of blocks) {
      const copy = new Uint8Array(bits);
      const b = new Bloom(new Uint32Array(copy.buffer, 0, copy.byteLength / 4));
      fill += b.fill();
      for (let i = 0; i < probes; i++) if (b.has(`zz${i}q9`)) fp++;
    }
    const ftsBytesOf = (db: BetterSqlite3.Database) =>
      Number(db.prepare("select sum(pgsize) from dbstat where name like 'log_fts%'").pluck().get() ?? NaN);
    const ftsBytes = ftsBytesOf(raw);
    const orig = new BetterSqlite3(STORE, { readonly: true });
    const origFtsBytes = ftsBytesOf(orig);
    orig.close();
    console.log(
      `filters: ${blocks.length} blocks, ${(blocks.length * BLOOM_BITS) / 8 / max} bytes per entry, ${((fill / blocks.length) * 100).toFixed(1)} % of bits set, false positives ${((fp / (blocks.length * probes)) * 100).toFixed(2)} % (absent tokens); full-text bytes per entry ${(origFtsBytes / max).toFixed(1)} → ${(ftsBytes / max).toFixed(1)} (copy file ${(statSync(COPY).size / max).toFixed(1)}, original ${(statSync(STORE).size / max).toFixed(1)})`,
    );
  } finally {
    await store.close();
    await copyStore.close();
    raw.close();
  }
}

await main();
