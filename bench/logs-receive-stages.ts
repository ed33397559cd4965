/**
 * The receive's work before the store, by stage, CPU µs per line, alternating in rounds in one process: Loki JSON
 * decode + validate of the bench's 1000-line bodies (bench/logs-data.ts), the same plus the receiver's masking of
 * every record, and the masking triggers' scans alone on the bench's lines (all triggers; the key-word scan, the
 * card, IPv4 and IPv6 runs and the `@` alone; src/logs/pii/trigger-scan.ts) — where the ~3 µs per line before the
 * store go (docs/logs-history.md "Tokens holding a digit …; the receive before the store").
 *
 * Run: `npx tsx bench/logs-receive-stages.ts [--lines 100000] [--rounds 5]`.
 */
import { decodeLokiPush } from '../src/logs/loki/decode.ts';
import { triggerScan, TRIGGER_BITS } from '../src/logs/pii/trigger-scan.ts';
import { bodies, cpuUs, lines, maskingReceiver } from './logs-data.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const LINES = Number(arg('lines', '100000'));
const ROUNDS = Number(arg('rounds', '5'));
const now = Date.now();
const { limits, rx } = maskingReceiver(now);
const ls = lines(LINES, now, 7);
const bs = bodies(ls);
const texts = ls.map((l) => l.line);
const bit = (name: string) => TRIGGER_BITS[name]!;
const KEY_WORDS = bit('secret_pair') | bit('bearer') | bit('api_key');

const cases: Record<string, () => number> = {
  'decode + validate (Loki JSON)': () => {
    let n = 0;
    for (const b of bs) n += decodeLokiPush(b, 'json', limits, now).records.length;
    return n;
  },
  'decode + validate + mask': () => {
    let n = 0;
    for (const b of bs)
      for (const r of decodeLokiPush(b, 'json', limits, now).records) n += rx.mask(r).body.length;
    return n;
  },
  'triggers: all': () => texts.reduce((a, t) => a + triggerScan(t, 127), 0),
  'triggers: key words': () => texts.reduce((a, t) => a + triggerScan(t, KEY_WORDS), 0),
  'triggers: card run': () => texts.reduce((a, t) => a + triggerScan(t, bit('card')), 0),
  'triggers: IPv4 run': () => texts.reduce((a, t) => a + triggerScan(t, bit('ipv4')), 0),
  'triggers: IPv6 run': () => texts.reduce((a, t) => a + triggerScan(t, bit('ipv6')), 0),
  'triggers: e-mail `@`': () => texts.reduce((a, t) => a + triggerScan(t, bit('email')), 0),
};
const results = new Map<string, number[]>(Object.keys(cases).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++)
  for (const [name, run] of Object.entries(cases)) {
    const c = cpuUs();
    run();
    results.get(name)!.push((cpuUs() - c) / LINES);
  }
console.log(`${LINES} lines, ${ROUNDS} rounds (the first warms up the JIT)\n`);
console.log('| stage | µs CPU per line (rounds) | median |');
console.log('|---|---|---|');
for (const [name, xs] of results) {
  const s = [...xs].sort((a, b) => a - b);
  console.log(`| ${name} | ${xs.map((x) => x.toFixed(2)).join(' / ')} | ${s[s.length >> 1]!.toFixed(2)} |`);
}
