/**
 * The native profile split of a full log receive (bench/logs-perf-summary.ts over bench/perf-script.ts): `perf
 * script` text read into samples (symbols with spaces and parentheses, thread names with spaces, samples without
 * frames), and each stack given the first piece it matches — SQLite's commit split into its WAL frames and
 * checkpoints before the statement it runs under, FTS5 before the statement that feeds it, JS frames by file.
 */
import { deepStrictEqual, equal } from 'node:assert/strict';
import { test } from 'node:test';
import { receivePiece, summarise } from '../../../bench/logs-perf-summary.ts';
import { busiestThread, parsePerfScript, type PerfFrame } from '../../../bench/perf-script.ts';

const SQLITE = '/x/node_modules/better-sqlite3/build/Release/better_sqlite3.node';
const frames = (...syms: string[]): PerfFrame[] => syms.map((sym) => ({ sym, dso: SQLITE }));

/** A `perf script -F comm,tid,ip,sym,dso` sample: header, then one indented frame per line. */
const sample = (comm: string, tid: number, ...fs: [string, string][]): string =>
  [
    `${comm} ${tid} `,
    ...fs.map(([sym, dso], i) => `\t    ${(0x1000 + i).toString(16)} ${sym} (${dso})`),
  ].join('\n');

test('perf script text reads into samples, innermost frame first', () => {
  const text = [
    sample(
      'node',
      7,
      ['v8::internal::JsonParser<unsigned char>::ScanJsonString', '/usr/bin/node'],
      ['JS:^parseLokiStreamsByPiece file:///r/src/logs/loki/json-streams.ts:1:395', '/tmp/perf-7.map'],
    ),
    '',
    sample('V8 DefaultWorke', 9, ['v8::internal::ConcurrentMarking::RunMajor', '/usr/bin/node']),
    '',
    'node 7 ',
    '',
    sample('node', 7, ['walChecksumBytes', SQLITE]),
  ].join('\n');
  const s = parsePerfScript(text);
  deepStrictEqual(
    s.map((x) => [x.tid, x.frames.map((f) => f.sym)]),
    [
      [
        7,
        [
          'v8::internal::JsonParser<unsigned char>::ScanJsonString',
          'JS:^parseLokiStreamsByPiece file:///r/src/logs/loki/json-streams.ts:1:395',
        ],
      ],
      [9, ['v8::internal::ConcurrentMarking::RunMajor']],
      [7, []],
      [7, ['walChecksumBytes']],
    ],
  );
  equal(s[0]!.frames[1]!.dso, '/tmp/perf-7.map');
  equal(busiestThread(s), 7);
  const counts = summarise(text);
  equal(counts.get('other threads (V8 workers, libuv)'), 1);
  equal(counts.get('decode + validate (JSON.parse, entries)'), 1);
  equal(counts.get('WAL frames at commit (checksums, write calls)'), 1);
});

test('a commit splits into WAL checkpoint, WAL frames and the rest of the statement', () => {
  const commit = [
    'pager_end_transaction',
    'sqlite3VdbeHalt',
    'sqlite3VdbeExec',
    'sqlite3_step',
    'Statement::JS_run',
  ];
  equal(receivePiece(frames(...commit)), 'SQLite statements: entry rows and B-tree indexes, commit');
  equal(
    receivePiece(frames('walChecksumBytes', 'walWriteOneFrame', 'pagerWalFrames', ...commit)),
    'WAL frames at commit (checksums, write calls)',
  );
  equal(
    receivePiece(frames('copy_folio_from_iter_atomic', 'walCheckpoint', 'sqlite3WalCheckpoint', ...commit)),
    'WAL checkpoint (pages copied into the file, fsync)',
  );
});

test('FTS5 work under the statement that feeds it is FTS5; binding without a step is binding', () => {
  equal(
    receivePiece(
      frames('__memcmp_evex_movbe', 'fts5HashEntrySort', 'sqlite3Fts5IndexSync', 'sqlite3VdbeExec'),
    ),
    'FTS5 indexing (tokens, pending terms, segments, merges)',
  );
  equal(
    receivePiece(frames('v8::String::Utf8Length', 'Binder::BindValue', 'Statement::JS_run')),
    'better-sqlite3 call and parameter binding',
  );
  equal(
    receivePiece(
      frames('vdbeRecordCompareInt', 'sqlite3BtreeIndexMoveto', 'sqlite3VdbeExec', 'sqlite3_step'),
    ),
    'SQLite statements: entry rows and B-tree indexes, commit',
  );
});

test('JS frames go by file; garbage collection wins over the frame it interrupted', () => {
  equal(
    receivePiece(frames('RegExp:\\b(?:pass|pwd)', 'JS:*mask file:///r/src/logs/pii/masker.ts:1:1')),
    'PII masking',
  );
  equal(
    receivePiece(frames('JS:* file:///r/src/logs/store/log-writer.ts:1:1270')),
    "the writer's JS (stream ids, group commit)",
  );
  equal(
    receivePiece(frames('JS:*handle file:///r/src/logs/receiver.ts:1:4142')),
    'entry building, the rest of the receiver',
  );
  equal(
    receivePiece(
      frames('v8::internal::Scavenger::ScavengeObject', 'JS:*mask file:///r/src/logs/pii/masker.ts:1:1'),
    ),
    'garbage collection',
  );
  equal(receivePiece(frames('uv_run')), 'other (event loop, kysely, module code)');
});
