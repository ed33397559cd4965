/**
 * The receive's per-line work outside the store on each push path, CPU µs per line: decode + validate of the
 * bench's lines (bench/logs-data.ts) as Loki JSON, Loki snappy-protobuf, OTLP/JSON and OTLP protobuf bodies of
 * 1000 lines, then the same with PII masking of every record (the receiver's `mask`), then masking alone with all
 * rules and with each built-in rule alone. Cases alternate in rounds in one process; the median is printed.
 *
 * Run: `npx tsx bench/logs-paths.ts [--lines 100000] [--rounds 5] [--only decode|mask|rules]`.
 */
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
const rx = new LogReceiver({ insertLogs: () => Promise.resolve(0) }, { registry: new Registry(), limits });
const max = limits.maxDecompressedBytes;
const decoders: [string, () => LogRecord[][]][] = [
  ['Loki JSON', () => lokiJsonBodies.map((b) => decodeLokiPush(b, 'json', limits, now).records)],
  [
    'Loki snappy-protobuf',
    () => lokiProto.map((b) => decodeLokiPush(snappyUncompress(b, max), 'protobuf', limits, now).records),
  ],
  ['OTLP/JSON', () => otlpJson.map((b) => decodeOtlpLogs(b, 'json', limits, now).records)],
  ['OTLP protobuf', () => otlpProto.map((b) => decodeOtlpLogs(b, 'protobuf', limits, now).records)],
];
for (const [name, f] of decoders) {
  const n = f().reduce((a, r) => a + r.length, 0);
  if (n !== LINES) throw new Error(`${name}: ${n} of ${LINES} lines decoded`);
}
const records = decoders[0]![1]().flat();
const only = (rule: string) =>
  new PiiMasker({
    ...DEFAULT_PII_SETTINGS,
    disabledRules: DEFAULT_PII_RULES.map((r) => r.name).filter((n) => n !== rule),
  });

const cases: [string, () => void][] = [];
if (ONLY === '' || ONLY === 'decode')
  for (const [name, f] of decoders) cases.push([`decode + validate, ${name}`, () => void f()]);
if (ONLY === '' || ONLY === 'mask')
  for (const [name, f] of decoders)
    cases.push([
      `decode + validate + mask, ${name}`,
      () => f().forEach((rs) => rs.forEach((r) => rx.mask(r))),
    ]);
if (ONLY === '' || ONLY === 'rules') {
  const all = new PiiMasker();
  cases.push(['mask alone, all rules', () => records.forEach((r) => all.mask(r.body))]);
  for (const rule of DEFAULT_PII_RULES) {
    const m = only(rule.name);
    cases.push([`mask alone, ${rule.name}`, () => records.forEach((r) => m.mask(r.body))]);
  }
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
