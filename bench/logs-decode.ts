/**
 * Decode + validate of the bench's Loki JSON bodies (bench/logs-data.ts), CPU µs per line: the compact bodies
 * (parsed one stream object at a time, src/logs/loki/json-streams.ts) against the same bodies with one space after
 * `"streams":` (a shape the piecewise parse leaves alone, so the whole body is decoded to one string and parsed),
 * alternating in rounds in one process; then the same with PII masking of every line. Both forms decode to the
 * same records (checked before timing).
 *
 * Run: `npx tsx bench/logs-decode.ts [--lines 100000] [--rounds 6]`.
 */
import { deepStrictEqual } from 'node:assert/strict';
import { DEFAULT_LOG_LIMITS } from '../src/logs/limits.ts';
import { decodeLokiPush } from '../src/logs/loki/decode.ts';
import { DEFAULT_PII_SETTINGS, PiiMasker } from '../src/logs/pii/masker.ts';
import { bodies, DAY, lines } from './logs-data.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const LINES = arg('lines', 100_000);
const ROUNDS = arg('rounds', 6);
const now = Date.now();
const limits = { ...DEFAULT_LOG_LIMITS, maxAgeMs: 2 * DAY };
const masker = new PiiMasker(DEFAULT_PII_SETTINGS);
const compact = bodies(lines(LINES, now, 7));
const whole = compact.map((b) =>
  Buffer.concat([Buffer.from('{"streams": '), b.subarray('{"streams":'.length)]),
);
deepStrictEqual(
  decodeLokiPush(compact[0]!, 'json', limits, now),
  decodeLokiPush(whole[0]!, 'json', limits, now),
);

function cpuPerLine(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / LINES;
}

const cases: [string, () => void][] = [
  ['decode, compact body (by stream)', () => compact.forEach((b) => decodeLokiPush(b, 'json', limits, now))],
  ['decode, whole body', () => whole.forEach((b) => decodeLokiPush(b, 'json', limits, now))],
  [
    'decode + mask, compact body',
    () =>
      compact.forEach((b) =>
        decodeLokiPush(b, 'json', limits, now).records.forEach((r) => masker.mask(r.body)),
      ),
  ],
  [
    'decode + mask, whole body',
    () =>
      whole.forEach((b) =>
        decodeLokiPush(b, 'json', limits, now).records.forEach((r) => masker.mask(r.body)),
      ),
  ],
];
const results = new Map<string, number[]>(cases.map(([n]) => [n, []]));
for (let round = 0; round < ROUNDS; round++)
  for (const [name, f] of cases) results.get(name)!.push(cpuPerLine(f));
console.log(`${LINES} lines in ${compact.length} bodies, ${ROUNDS} rounds\n`);
console.log('| case | µs CPU per line (rounds) | median |');
console.log('|---|---|---|');
for (const [name, xs] of results) {
  const s = [...xs].sort((a, b) => a - b);
  console.log(`| ${name} | ${xs.map((x) => x.toFixed(2)).join(' / ')} | ${s[s.length >> 1]!.toFixed(2)} |`);
}
