/**
 * Splits a Linux perf profile of a full log receive (bench/logs-receive-profile.ts) by piece, native code
 * included: unlike the V8 `.cpuprofile` of bench/logs-profile-summary.ts, which sees SQLite only as the JS frame
 * that called it, perf's stacks name SQLite's and the kernel's functions, so the store's share splits into FTS5
 * indexing, the entry rows with their B-tree indexes, the WAL frames a commit writes (checksums and the write
 * system calls) and the checkpoints that copy them into the file, and better-sqlite3's call and parameter binding.
 * Samples are CPU time (`-e cpu-clock` on the process), so shares survive the machine's load.
 *
 * Run (the receive alone: attach once the data is generated):
 * ```
 * node --perf-basic-prof --import tsx bench/logs-receive-profile.ts --lines 200000 --wait-ms 3000 &
 * # once it prints "ready <pid>":
 * perf record -F 499 --call-graph dwarf,16384 -e cpu-clock -p <pid> -o <dir>/perf.data
 * perf script -i <dir>/perf.data -F comm,tid,ip,sym,dso > <dir>/perf.txt
 * npx tsx bench/logs-perf-summary.ts <dir>/perf.txt [--us-per-line <the run's µs CPU per line>]
 * ```
 * @see https://man7.org/linux/man-pages/man1/perf-record.1.html
 */
import { readFileSync } from 'node:fs';
import { busiestThread, parsePerfScript, type PerfFrame } from './perf-script.ts';

/** The pieces, in the order a stack is tested against them (the first that matches wins). */
const PIECES: readonly (readonly [string, RegExp])[] = [
  [
    'garbage collection',
    /Scavenger|MarkCompact|Sweeper|ConcurrentMarking|Heap::Collect|MinorMS|MarkingVisitor|IncrementalMarking/,
  ],
  [
    'WAL checkpoint (pages copied into the file, fsync)',
    /^(walCheckpoint|sqlite3WalCheckpoint|sqlite3PagerCheckpoint)/,
  ],
  [
    'WAL frames at commit (checksums, write calls)',
    /^(walWriteOneFrame|sqlite3WalFrames|pagerWalFrames|walChecksumBytes|sqlite3PagerCommitPhaseOne|walIndexAppend)/,
  ],
  ['FTS5 indexing (tokens, pending terms, segments, merges)', /^(fts5|sqlite3Fts5)/],
  ['SQLite statements: entry rows and B-tree indexes, commit', /^(sqlite3VdbeExec|sqlite3_step)$/],
  ['better-sqlite3 call and parameter binding', /^(Statement::|Binder::)/],
  ['decode + validate (JSON.parse, entries)', /parseLokiStreams|loki\/decode\.ts|json-streams\.ts|JsonParse/],
  ['PII masking', /logs\/pii\/|^RegExp:/],
  [
    "the writer's JS (stream ids, group commit)",
    /store\/log-writer\.ts|store\/group-commit\.ts|store\/streams\.ts/,
  ],
  ['entry building, the rest of the receiver', /logs\/receiver\.ts|logs\/entry-builder\.ts|logs\/loki\//],
];

/** The piece of a main-thread stack (innermost frame first), or `other`. */
export function receivePiece(frames: readonly PerfFrame[]): string {
  for (const [name, re] of PIECES) if (frames.some((f) => re.test(f.sym))) return name;
  return 'other (event loop, kysely, module code)';
}

/** Samples per piece: the main thread's by {@link receivePiece}, other threads' together. */
export function summarise(text: string): Map<string, number> {
  const samples = parsePerfScript(text);
  const main = busiestThread(samples);
  const out = new Map<string, number>();
  for (const s of samples) {
    const k = s.tid === main ? receivePiece(s.frames) : 'other threads (V8 workers, libuv)';
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

if (process.argv[1]?.endsWith('logs-perf-summary.ts')) {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: logs-perf-summary.ts <perf script text> [--us-per-line X]');
  const i = process.argv.indexOf('--us-per-line');
  const usPerLine = i >= 0 ? Number(process.argv[i + 1]) : undefined;
  const counts = summarise(readFileSync(file, 'utf8'));
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(`| piece | samples | share${usPerLine === undefined ? '' : ' | µs CPU per line'} |`);
  console.log(`|---|---|---${usPerLine === undefined ? '' : '|---'}|`);
  for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1]))
    console.log(
      `| ${k} | ${n} | ${((n / total) * 100).toFixed(1)} %${usPerLine === undefined ? '' : ` | ${((n / total) * usPerLine).toFixed(2)}`} |`,
    );
  console.log(`| total | ${total} | 100 % |`);
}
