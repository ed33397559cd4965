/**
 * Word searches on a coarse full-text index (a prototype, measured against the shipped per-line index): one FTS5
 * document per (stream, commit group) holding the distinct tokens of its lines, a map from document to stream,
 * entry id range and time range; a search takes candidate documents newest-first from FTS5, reads their lines by
 * (stream id, time) and keeps those whose own tokens hold every word, until `limit` matches — the same newest
 * `limit` matches by entry id (arrival order) the shipped index returns, in the same time order.
 *
 * `--build` copies the store (filled by bench/logs-fill.ts) to `--coarse` and builds the coarse index there from
 * its entries, in groups of `--group` consecutive entry ids (the fill commits one 1000-line push at a time). Then
 * the shipped search (the store's scan, on `--store`) and the prototype (on `--coarse`) alternate over the bench's
 * term and two-term queries; every query's result ids are compared, and CPU ms per query and rows read printed.
 *
 * Run: `npx tsx bench/logs-coarse-search.ts --store <file> --coarse <file> --now <ms> [--build] [--group 1000]
 * [--runs 20] [--rounds 2]`
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteLogStore } from '../src/logs/store/open.ts';
import { Prng } from '../src/sim/prng.ts';
import { cpuUs, DAY, WORDS } from './logs-data.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const STORE = arg('store', '');
const COARSE = arg('coarse', '');
if (STORE === '' || COARSE === '') throw new Error('--store <file> and --coarse <file> are required');
const now = Number(arg('now', '0'));
const RUNS = Number(arg('runs', '20'));
const ROUNDS = Number(arg('rounds', '2'));
const GROUP = Number(arg('group', '1000'));
const LIMIT = 100;

/** Lowercased letter/digit runs (the tokens both backends index). */
const TOKEN = /[\p{L}\p{N}]+/gu;
const tokensOf = (s: string): string[] => s.toLowerCase().match(TOKEN) ?? [];

function build(): void {
  const src = new BetterSqlite3(STORE);
  src.pragma('wal_checkpoint(TRUNCATE)');
  src.close();
  for (const ext of ['', '-wal', '-shm']) rmSync(COARSE + ext, { force: true });
  copyFileSync(STORE, COARSE);
  const db = new BetterSqlite3(COARSE);
  db.pragma('journal_mode = WAL');
  db.exec(
    "create virtual table log_fts_coarse using fts5(body, content='', columnsize=0, detail='none', tokenize='unicode61 remove_diacritics 0')",
  );
  db.exec("insert into log_fts_coarse (log_fts_coarse, rank) values ('pgsz', 16000)");
  db.exec("insert into log_fts_coarse (log_fts_coarse, rank) values ('automerge', 8)");
  db.exec(
    'create table log_fts_docs (id integer primary key, stream_id integer not null, first_id integer not null, last_id integer not null, min_time_us integer not null, max_time_us integer not null)',
  );
  const max = Number(db.prepare('select max(id) from log_entries').pluck().get() ?? 0);
  const rows = db
    .prepare('select id, stream_id, time_us, body from log_entries where id >= ? and id <= ?')
    .raw();
  const doc = db.prepare('insert into log_fts_coarse (rowid, body) values (?, ?)');
  const map = db.prepare('insert into log_fts_docs values (?, ?, ?, ?, ?, ?)');
  let next = 1;
  let docs = 0;
  const c = cpuUs();
  for (let lo = 1; lo <= max; lo += GROUP) {
    db.transaction(() => {
      const by = new Map<number, { t: Set<string>; f: number; l: number; a: number; b: number }>();
      for (const [id, sid, t, body] of rows.all(lo, lo + GROUP - 1) as [number, number, number, string][]) {
        let d = by.get(sid);
        if (d === undefined) by.set(sid, (d = { t: new Set(), f: id, l: id, a: t, b: t }));
        d.l = id;
        d.a = Math.min(d.a, t);
        d.b = Math.max(d.b, t);
        for (const w of tokensOf(body)) d.t.add(w);
      }
      for (const [sid, d] of by) {
        doc.run(next, [...d.t].join(' '));
        map.run(next++, sid, d.f, d.l, d.a, d.b);
        docs++;
      }
    })();
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  console.log(
    `built ${docs} documents over ${max} entries in ${((cpuUs() - c) / 1e6).toFixed(1)} s CPU (${(docs / (max / GROUP)).toFixed(0)} per group)`,
  );
}

/** The prototype's search: newest `limit` entries (by id) in [startUs, endUs) holding every word, in time order. */
function coarseSearch(
  db: BetterSqlite3.Database,
  words: readonly string[],
  startUs: number,
  endUs: number,
  limit: number,
): { ids: number[]; read: number } {
  const match = words.map((w) => `"${w}"`).join(' ');
  const docs = db.prepare(
    'select d.id, d.stream_id, d.first_id, d.last_id, d.min_time_us, d.max_time_us from log_fts_coarse f join log_fts_docs d on d.id = f.rowid where log_fts_coarse match ? and f.rowid < ? order by f.rowid desc limit ?',
  );
  const lines = db.prepare(
    'select e.id, e.time_us, s.level, s.service, s.node_id, s.region, s.component, e.trace_id, e.span_id, e.body, e.attrs from log_entries e join log_streams s on s.id = e.stream_id where e.stream_id = ? and e.time_us >= ? and e.time_us <= ? and e.id >= ? and e.id <= ?',
  );
  const found: { id: number; t: number }[] = [];
  let read = 0;
  let below = Number.MAX_SAFE_INTEGER;
  let current = -1;
  for (;;) {
    const page = docs.all(match, below, 200) as {
      id: number;
      stream_id: number;
      first_id: number;
      last_id: number;
      min_time_us: number;
      max_time_us: number;
    }[];
    for (const d of page) {
      // a commit group's entry ids are all above those of the groups before it: once a group is read with
      // `limit` matches found, no earlier group can hold a newer one
      const group = Math.floor((d.first_id - 1) / GROUP);
      if (group !== current && found.length >= limit) return done();
      current = group;
      if (d.max_time_us < startUs || d.min_time_us >= endUs) continue;
      for (const r of lines.all(
        d.stream_id,
        Math.max(startUs, d.min_time_us),
        Math.min(endUs - 1, d.max_time_us),
        d.first_id,
        d.last_id,
      ) as {
        id: number;
        time_us: number;
        body: string;
      }[]) {
        read++;
        const ts = new Set(tokensOf(r.body));
        if (words.every((w) => ts.has(w))) found.push({ id: r.id, t: r.time_us });
      }
    }
    if (page.length < 200) return done();
    below = page[page.length - 1]!.id;
  }
  function done(): { ids: number[]; read: number } {
    const top = found
      .sort((a, b) => b.id - a.id)
      .slice(0, limit)
      .sort((a, b) => b.t - a.t || b.id - a.id);
    return { ids: top.map((f) => f.id), read };
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--build') || !existsSync(COARSE)) build();
  const retentionMs = { debug: 2 * DAY, info: 2 * DAY, warn: 2 * DAY, error: 2 * DAY, fatal: 2 * DAY };
  const store = await openSqliteLogStore(STORE, { retentionMs, maxEntries: 100_000_000 });
  const db = new BetterSqlite3(COARSE, { readonly: true });
  db.pragma('mmap_size = 2147483648');
  db.pragma('cache_size = -65536');
  const startUs = (now - 3_600_000) * 1000;
  const endUs = (now + 1) * 1000;
  /** The shipped search: the store's newest-first scan by words. */
  const shipped = (words: string[]) =>
    store.scan({
      startUs,
      endUs,
      labels: [],
      words,
      direction: 'backward',
      limit: LIMIT,
      maxScan: 1_000_000,
    });
  const cases: [string, (r: Prng) => string[]][] = [
    ['term', (r) => [WORDS[r.int(0, WORDS.length - 1)]!]],
    ['two terms', () => ['quorum', 'lost']],
  ];
  try {
    for (let round = 0; round < ROUNDS; round++)
      for (const [name, words] of cases)
        for (const which of ['shipped', 'coarse'] as const) {
          const r = new Prng(3 + round);
          let cpu = 0;
          let read = 0;
          let mismatches = 0;
          for (let i = 0; i < RUNS; i++) {
            const w = words(r);
            const c = cpuUs();
            if (which === 'shipped') {
              const res = await shipped(w);
              cpu += cpuUs() - c;
              read += res.scanned;
            } else {
              const res = coarseSearch(db, w, startUs, endUs, LIMIT);
              cpu += cpuUs() - c;
              read += res.read;
              const ref = await shipped(w);
              if (ref.entries.map((e) => e.id).join() !== res.ids.join()) mismatches++;
            }
          }
          console.log(
            `round ${round + 1} ${name} ${which}: ${(cpu / RUNS / 1000).toFixed(2)} ms CPU per query, ${(read / RUNS).toFixed(0)} rows read per query${which === 'coarse' ? `, ${mismatches} of ${RUNS} results differ from the shipped index's` : ''}`,
          );
        }
  } finally {
    db.close();
    await store.close();
  }
}

await main();
