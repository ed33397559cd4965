/**
 * Where the SQLite log store's full-text index (FTS5) spends its CPU per line, and how that changes with the
 * number of rows one `insert … select` hands it (the writer's one statement per commit group).
 *
 * The bench's lines (bench/logs-data.ts) are decoded and masked once and written into a source table (outside
 * the timing). Then, for each group size, every variant fills a fresh full-text table in its own file from the
 * attached source, one transaction per group, all variants in every round, alternating:
 * - `read`: the group's rows selected and summed, nothing written (the `select` side of the writer's statement);
 * - `empty`: an empty body per row into the shipped FTS5 table (the virtual table's per-row call);
 * - `tokenize`: the rows inserted and the transaction rolled back, with a hash large enough never to flush
 *   (tokenizing and the in-memory doclists: FTS5 writes its segment only at commit);
 * - `flush`: committed, merges off (`automerge` 0, `crisismerge` 2000: one new segment per group, none merged);
 * - `shipped`: the shipped settings (`pgsz` 16 000, `automerge` 8, `hashsize` 1 MiB — FTS5's default: a larger
 *   pending hash is flushed as a segment of its own mid-transaction);
 * - `hash-64m`: shipped with `hashsize` 64 MiB (one segment per group whatever its size);
 * - `coarse`: the coarse index prototype — the group's lines tokenized in JS (lowercased letter/digit runs), one
 *   FTS5 document per (stream, group) holding the distinct tokens of its lines, plus one row per document in a
 *   map table (document id → stream id, first/last entry id, min/max time); the lines' tokens by a loop over the
 *   characters (checked equal to the regular expression's on every line first); `coarse-docs` without the map
 *   rows, `coarse-js` building the documents only (nothing written);
 * - `no-digit-tokens`: the shipped index over the bodies with every token holding a digit removed (timestamps,
 *   trace and span ids, numbers): what the terms unique to one line cost.
 * Before the runs it prints, per group size, the (token, line) pairs per line — the per-line index's doclist
 * entries —, the (token, stream) pairs — the coarse documents' — and the distinct terms of a group.
 * Prints µs CPU (user + system) per line, each variant's median, and the file's bytes per line.
 *
 * Run: `npx tsx bench/logs-fts-cost.ts [--lines 256000] [--rounds 3] [--groups 1000,4000,16000,64000] [--only a,b]`
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { decodeLokiPush } from '../src/logs/loki/decode.ts';
import { streamKeyOf } from '../src/logs/store/streams.ts';
import { bodies, cpuUs, lines, maskingReceiver } from './logs-data.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const LINES = Number(arg('lines', '256000'));
const ROUNDS = Number(arg('rounds', '3'));
const GROUPS = arg('groups', '1000,4000,16000,64000').split(',').map(Number);
const ONLY = arg('only', '') === '' ? undefined : new Set(arg('only', '').split(','));

const FTS =
  "create virtual table log_fts using fts5(body, content='', columnsize=0, detail='none', tokenize='unicode61 remove_diacritics 0')";
const SHIPPED = [
  FTS,
  "insert into log_fts (log_fts, rank) values ('pgsz', 16000)",
  "insert into log_fts (log_fts, rank) values ('automerge', 8)",
];

/** A variant: its schema, and the work of one group `[lo, hi]` of source ids inside the group's transaction. */
interface Variant {
  readonly name: string;
  readonly ddl: readonly string[];
  readonly rollback?: boolean;
  readonly run: (db: BetterSqlite3.Database) => (lo: number, hi: number) => void;
}

const insertSelect = (db: BetterSqlite3.Database, body = 'body') => {
  const st = db.prepare(
    `insert into log_fts (rowid, body) select id, ${body} from s.src where id >= ? and id <= ?`,
  );
  return (lo: number, hi: number) => void st.run(lo, hi);
};

/** Lowercased letter/digit runs (the tokens both backends index). */
const TOKEN = /[\p{L}\p{N}]+/gu;
const NON_ASCII = /[^\0-\x7f]/;

/**
 * Adds the tokens of `s` to `out`: a loop over the characters of an ASCII line, the regular expression otherwise
 * (the regular expression alone, `match` with `/[\p{L}\p{N}]+/gu` after `toLowerCase`, measured ~9.5 µs per bench line).
 */
function addTokens(s: string, out: Set<string>): void {
  if (NON_ASCII.test(s)) {
    for (const w of s.toLowerCase().match(TOKEN) ?? []) out.add(w);
    return;
  }
  let start = -1;
  let upper = false;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0;
    const lower = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    const up = c >= 65 && c <= 90;
    if (lower || up) {
      if (start < 0) {
        start = i;
        upper = false;
      }
      if (up) upper = true;
    } else if (start >= 0) {
      const w = s.slice(start, i);
      out.add(upper ? w.toLowerCase() : w);
      start = -1;
    }
  }
}

/** The body without tokens holding a digit (timestamps, ids, numbers): what FTS5 costs without unique terms. */
function withoutDigitTokens(s: string): string {
  return s.replace(/[\p{L}\p{N}]*\p{N}[\p{L}\p{N}]*/gu, ' ');
}

/** The source rows in memory, by entry id (as the writer holds a group's records). */
const SRC = { body: [] as string[], streamId: [] as number[], timeUs: [] as number[] };

const DOC_MAP =
  'create table log_fts_docs (id integer primary key, stream_id integer not null, first_id integer not null, last_id integer not null, min_time_us integer not null, max_time_us integer not null)';

const VARIANTS: Variant[] = [
  {
    name: 'read',
    ddl: [],
    run: (db) => {
      const st = db.prepare('select count(*), sum(length(body)) from s.src where id >= ? and id <= ?');
      return (lo, hi) => void st.get(lo, hi);
    },
  },
  { name: 'empty', ddl: SHIPPED, run: (db) => insertSelect(db, "''") },
  {
    name: 'tokenize',
    ddl: [...SHIPPED, "insert into log_fts (log_fts, rank) values ('hashsize', 268435456)"],
    rollback: true,
    run: (db) => insertSelect(db),
  },
  {
    name: 'flush',
    ddl: [
      ...SHIPPED,
      "insert into log_fts (log_fts, rank) values ('automerge', 0)",
      "insert into log_fts (log_fts, rank) values ('crisismerge', 2000)",
    ],
    run: (db) => insertSelect(db),
  },
  { name: 'shipped', ddl: SHIPPED, run: (db) => insertSelect(db) },
  {
    name: 'hash-64m',
    ddl: [...SHIPPED, "insert into log_fts (log_fts, rank) values ('hashsize', 67108864)"],
    run: (db) => insertSelect(db),
  },
  { name: 'coarse', ddl: [...SHIPPED, DOC_MAP], run: (db) => coarse(db, 'all') },
  // the coarse documents without their map rows
  { name: 'coarse-docs', ddl: [...SHIPPED, DOC_MAP], run: (db) => coarse(db, 'docs') },
  // the JS side alone: tokenizing and the distinct tokens per stream, nothing written
  { name: 'coarse-js', ddl: [...SHIPPED, DOC_MAP], run: (db) => coarse(db, 'none') },
  // the shipped index over bodies without their tokens holding a digit: the share of unique terms
  { name: 'no-digit-tokens', ddl: SHIPPED, run: (db) => insertSelect(db, 'body_words') },
];

/** The coarse index prototype's work of one group: documents and map rows, documents only, or neither (built only). */
function coarse(
  db: BetterSqlite3.Database,
  write: 'all' | 'docs' | 'none',
): (lo: number, hi: number) => void {
  const doc = db.prepare('insert into log_fts (rowid, body) values (?, ?)');
  const map = db.prepare('insert into log_fts_docs values (?, ?, ?, ?, ?, ?)');
  let nextDoc = 1;
  return (lo, hi) => {
    const byStream = new Map<
      number,
      { tokens: Set<string>; first: number; last: number; min: number; max: number }
    >();
    // the writer has the group's records in memory: no read-back
    for (let id = lo; id <= hi; id++) {
      const sid = SRC.streamId[id]!;
      const t = SRC.timeUs[id]!;
      let d = byStream.get(sid);
      if (d === undefined)
        byStream.set(sid, (d = { tokens: new Set(), first: id, last: id, min: t, max: t }));
      d.last = id;
      if (t < d.min) d.min = t;
      if (t > d.max) d.max = t;
      addTokens(SRC.body[id]!, d.tokens);
    }
    for (const [sid, d] of byStream) {
      const id = nextDoc++;
      const text = [...d.tokens].join(' ');
      if (write === 'none') continue;
      doc.run(id, text);
      if (write === 'all') map.run(id, sid, d.first, d.last, d.min, d.max);
    }
  };
}

async function main(): Promise<void> {
  const now = Date.now();
  const { limits, rx } = maskingReceiver(now);
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-fts-cost-'));
  try {
    const srcPath = join(dir, 'src.db');
    const src = new BetterSqlite3(srcPath);
    src.exec(
      'create table src (id integer primary key, stream_id integer not null, time_us integer not null, body text not null, body_words text not null)',
    );
    const ins = src.prepare('insert into src values (?, ?, ?, ?, ?)');
    const streams = new Map<string, number>();
    let id = 0;
    src.transaction(() => {
      for (const b of bodies(lines(LINES, now, 7)))
        for (const r of decodeLokiPush(b, 'json', limits, now).records) {
          const m = rx.mask(r);
          const k = streamKeyOf(m);
          let sid = streams.get(k);
          if (sid === undefined) streams.set(k, (sid = streams.size + 1));
          ins.run(++id, m.timeUs, sid, m.body, withoutDigitTokens(m.body));
          SRC.body[id] = m.body;
          SRC.streamId[id] = sid;
          SRC.timeUs[id] = m.timeUs;
        }
    })();
    src.close();
    // the fast tokenizer against the regular expression, and what a group holds: (token, line) pairs — the per-line
    // index's doclist entries —, (token, stream) pairs — the coarse documents' —, and distinct terms
    let differ = 0;
    for (let i = 1; i <= id; i++) {
      const a = new Set<string>();
      addTokens(SRC.body[i]!, a);
      const b = new Set(SRC.body[i]!.toLowerCase().match(TOKEN) ?? []);
      if (a.size !== b.size || [...a].some((w) => !b.has(w))) differ++;
    }
    console.log(`fast tokenizer: ${differ} of ${id} lines with other tokens than the regular expression's`);
    for (const g of GROUPS) {
      let perLine = 0;
      let perDoc = 0;
      let terms = 0;
      for (let lo = 1; lo <= id; lo += g) {
        const all = new Set<string>();
        const byStream = new Map<number, Set<string>>();
        for (let i = lo; i <= Math.min(id, lo + g - 1); i++) {
          const t = new Set<string>();
          addTokens(SRC.body[i]!, t);
          perLine += t.size;
          let d = byStream.get(SRC.streamId[i]!);
          if (d === undefined) byStream.set(SRC.streamId[i]!, (d = new Set()));
          for (const w of t) {
            d.add(w);
            all.add(w);
          }
        }
        for (const d of byStream.values()) perDoc += d.size;
        terms += all.size;
      }
      console.log(
        `@${g}: per line ${(perLine / id).toFixed(1)} (token, line) pairs, ${(perDoc / id).toFixed(1)} (token, stream) pairs, ${(terms / id).toFixed(1)} distinct terms of its group`,
      );
    }
    const variants = VARIANTS.filter((v) => ONLY === undefined || ONLY.has(v.name));
    const results = new Map<string, number[]>();
    console.log(`${id} lines, ${streams.size} streams; µs CPU per line`);
    for (let round = 0; round < ROUNDS; round++)
      for (const g of GROUPS)
        for (const v of variants) {
          const path = join(dir, `${v.name}-${g}.db`);
          const db = new BetterSqlite3(path);
          db.pragma('page_size = 16384');
          db.pragma('journal_mode = WAL');
          db.pragma('synchronous = NORMAL');
          db.exec(`attach '${srcPath}' as s`);
          for (const s of v.ddl) db.exec(s);
          const work = v.run(db);
          const c = cpuUs();
          for (let lo = 1; lo <= id; lo += g) {
            db.exec('begin');
            work(lo, Math.min(id, lo + g - 1));
            db.exec(v.rollback === true ? 'rollback' : 'commit');
          }
          db.pragma('main.wal_checkpoint(TRUNCATE)');
          const us = (cpuUs() - c) / id;
          db.close();
          const bytes = statSync(path).size / id;
          rmSync(path, { force: true });
          const key = `${v.name} @${g}`;
          if (!results.has(key)) results.set(key, []);
          results.get(key)!.push(us);
          console.log(`round ${round + 1} ${key}: ${us.toFixed(2)} µs (${bytes.toFixed(1)} bytes per line)`);
        }
    console.log('\n| variant @ rows per insert | µs CPU per line (rounds) | median |');
    console.log('|---|---|---|');
    for (const [name, xs] of results) {
      const s = [...xs].sort((a, b) => a - b);
      console.log(
        `| ${name} | ${xs.map((x) => x.toFixed(2)).join(' / ')} | ${s[s.length >> 1]!.toFixed(2)} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
