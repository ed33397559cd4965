/**
 * The receive's per-line work outside the store on each push path, CPU µs per line: decode + validate of the
 * bench's lines (bench/logs-data.ts) as Loki JSON, Loki snappy-protobuf, OTLP/JSON and OTLP protobuf bodies of
 * 1000 lines, then the same with PII masking of every record (the receiver's `mask`), then masking alone with all
 * rules and with each built-in rule alone. Cases alternate in rounds in one process; the median is printed. With
 * `--against <dir>` (another checkout of the tree, e.g. a copy of main) every case also runs that tree's decoders,
 * receiver and masker, alternating with this tree's in the same process (same bodies, same JIT warm-up), and the
 * two trees' records and masked lines are checked equal first.
 *
 * Run: `npx tsx bench/logs-paths.ts [--lines 100000] [--rounds 5] [--only decode|mask|rules] [--against <dir>]`.
 */
import { deepStrictEqual } from 'node:assert/strict';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Registry } from 'prom-client';
import { DEFAULT_LOG_LIMITS } from '../src/logs/limits.ts';
import { decodeLokiPush } from '../src/logs/loki/decode.ts';
import { decodeOtlpLogs } from '../src/logs/otlp/decode.ts';
import { DEFAULT_PII_SETTINGS, PiiMasker } from '../src/logs/pii/masker.ts';
import { DEFAULT_PII_RULES } from '../src/logs/pii/rules.ts';
import { LogReceiver } from '../src/logs/receiver.ts';
import type { LogRecord } from '../src/logs/record.ts';
import { snappyUncompress } from '../src/logs/request-error.ts';
import { lokiSnappyProtobuf, otlpLogsJson, otlpLogsProtobuf } from '../test/helpers/log-push.ts';
import { bodies, DAY, lines, PER_BODY, streamsOf } from './logs-data.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const LINES = Number(arg('lines', '100000'));
const ROUNDS = Number(arg('rounds', '5'));
const ONLY = arg('only', '');
const AGAINST = arg('against', '');
const now = Date.now();
const limits = { ...DEFAULT_LOG_LIMITS, maxAgeMs: 2 * DAY };
const ls = lines(LINES, now, 7);
const lokiJsonBodies = bodies(ls);
const lokiProto: Buffer[] = [];
const otlpJson: Buffer[] = [];
const otlpProto: Buffer[] = [];
for (let i = 0; i < ls.length; i += PER_BODY) {
  const chunk = ls.slice(i, i + PER_BODY);
  lokiProto.push(lokiSnappyProtobuf(streamsOf(chunk)));
  const json = otlpLogsJson(
    chunk.map((l) => ({ timeMs: l.time, body: l.line, attributes: { component: l.component } })),
  );
  otlpJson.push(Buffer.from(JSON.stringify(json)));
  otlpProto.push(otlpLogsProtobuf(json));
}
const ONLY_RULES = (rule: string) => ({
  ...DEFAULT_PII_SETTINGS,
  disabledRules: DEFAULT_PII_RULES.map((r) => r.name).filter((n) => n !== rule),
});

/** The modules of one tree the cases use. */
interface Tree {
  readonly decodeLokiPush: typeof decodeLokiPush;
  readonly decodeOtlpLogs: typeof decodeOtlpLogs;
  readonly snappyUncompress: typeof snappyUncompress;
  readonly PiiMasker: typeof PiiMasker;
  readonly LogReceiver: typeof LogReceiver;
}

async function treeAt(dir: string): Promise<Tree> {
  const mod = async (p: string) =>
    (await import(pathToFileURL(resolve(dir, 'src/logs', p)).href)) as Record<string, unknown>;
  return {
    decodeLokiPush: (await mod('loki/decode.ts'))['decodeLokiPush'] as Tree['decodeLokiPush'],
    decodeOtlpLogs: (await mod('otlp/decode.ts'))['decodeOtlpLogs'] as Tree['decodeOtlpLogs'],
    snappyUncompress: (await mod('request-error.ts'))['snappyUncompress'] as Tree['snappyUncompress'],
    PiiMasker: (await mod('pii/masker.ts'))['PiiMasker'] as Tree['PiiMasker'],
    LogReceiver: (await mod('receiver.ts'))['LogReceiver'] as Tree['LogReceiver'],
  };
}

const max = limits.maxDecompressedBytes;
/** The decoders of a tree, by path: each gives the records of every body. */
function decodersOf(t: Tree): [string, () => LogRecord[][]][] {
  return [
    ['Loki JSON', () => lokiJsonBodies.map((b) => t.decodeLokiPush(b, 'json', limits, now).records)],
    [
      'Loki snappy-protobuf',
      () =>
        lokiProto.map((b) => t.decodeLokiPush(t.snappyUncompress(b, max), 'protobuf', limits, now).records),
    ],
    ['OTLP/JSON', () => otlpJson.map((b) => t.decodeOtlpLogs(b, 'json', limits, now).records)],
    ['OTLP protobuf', () => otlpProto.map((b) => t.decodeOtlpLogs(b, 'protobuf', limits, now).records)],
  ];
}

/** The timed cases of a tree (names prefixed with `tag`). */
function casesOf(t: Tree, tag: string): [string, () => void][] {
  const decoders = decodersOf(t);
  for (const [name, f] of decoders) {
    const n = f().reduce((a, r) => a + r.length, 0);
    if (n !== LINES) throw new Error(`${tag}${name}: ${n} of ${LINES} lines decoded`);
  }
  const rx = new t.LogReceiver(
    { insertLogs: () => Promise.resolve(0) },
    { registry: new Registry(), limits },
  );
  const records = decoders[0]![1]().flat();
  const cases: [string, () => void][] = [];
  if (ONLY === '' || ONLY === 'decode')
    for (const [name, f] of decoders) cases.push([`${tag}decode + validate, ${name}`, () => void f()]);
  if (ONLY === '' || ONLY === 'mask')
    for (const [name, f] of decoders)
      cases.push([
        `${tag}decode + validate + mask, ${name}`,
        () => f().forEach((rs) => rs.forEach((r) => rx.mask(r))),
      ]);
  if (ONLY === '' || ONLY === 'rules') {
    const all = new t.PiiMasker();
    cases.push([`${tag}mask alone, all rules`, () => records.forEach((r) => all.mask(r.body))]);
    for (const rule of DEFAULT_PII_RULES) {
      const m = new t.PiiMasker(ONLY_RULES(rule.name));
      cases.push([`${tag}mask alone, ${rule.name}`, () => records.forEach((r) => m.mask(r.body))]);
    }
  }
  return cases;
}

const here: Tree = { decodeLokiPush, decodeOtlpLogs, snappyUncompress, PiiMasker, LogReceiver };
let cases = casesOf(here, AGAINST === '' ? '' : 'this: ');
if (AGAINST !== '') {
  const other = await treeAt(AGAINST);
  // same records and masked lines from both trees before anything is timed
  const mine = decodersOf(here);
  const theirs = decodersOf(other);
  const m1 = new PiiMasker();
  const m2 = new other.PiiMasker();
  mine.forEach(([name, f], i) => {
    const a = f().flat();
    const b = theirs[i]![1]().flat();
    deepStrictEqual(a, b, name);
    a.forEach((r) => {
      if (m1.mask(r.body) !== m2.mask(r.body)) throw new Error(`masked differently: ${r.body}`);
    });
  });
  const otherCases = casesOf(other, 'against: ');
  // alternate: this tree's case, then the same case of the other tree
  cases = cases.flatMap((c, i) => [c, otherCases[i]!]);
}

function cpuPerLine(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / LINES;
}
const results = new Map<string, number[]>(cases.map(([n]) => [n, []]));
for (let round = 0; round < ROUNDS; round++)
  for (const [name, f] of cases) results.get(name)!.push(cpuPerLine(f));
console.log(`${LINES} lines in bodies of ${PER_BODY}, ${ROUNDS} rounds\n`);
console.log('| case | µs CPU per line (rounds) | median |');
console.log('|---|---|---|');
for (const [name, xs] of results) {
  const s = [...xs].sort((a, b) => a - b);
  console.log(`| ${name} | ${xs.map((x) => x.toFixed(2)).join(' / ')} | ${s[s.length >> 1]!.toFixed(2)} |`);
}
