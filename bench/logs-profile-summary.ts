/**
 * Splits a `.cpuprofile` of bench/logs-receive-profile.ts into the receive's pieces by the frames on each sample's
 * stack: the store (SQLite statements and commit, under better-sqlite3's transaction), the body's
 * `Buffer.toString`, PII masking, decode + validate, the rest of the receiver, the writer's JS and kysely; garbage
 * collection, idle and the data generation are printed apart. Sample times are wall time on the main thread, so on
 * a loaded machine only the shares mean something (scale them by the run's CPU µs per line).
 *
 * Run: `npx tsx bench/logs-profile-summary.ts <file.cpuprofile>`.
 */
import { readProfile } from './cpuprofile.ts';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: logs-profile-summary.ts <file.cpuprofile>');
const { profile: p, stackOf } = readProfile(file);

/** The piece a sample's stack (innermost first) belongs to. */
function piece(stack: readonly string[]): string {
  const has = (prefix: string) => stack.some((s) => s.startsWith(prefix));
  if (stack[0]!.startsWith('(garbage')) return 'garbage collection (not attributed)';
  if (stack[0]!.startsWith('(idle')) return 'idle';
  if (has('sqliteTransaction@')) return 'store: SQLite statements and commit';
  if (has('receiveLoki@')) {
    if (has('toString@node:buffer')) return 'receive: body Buffer.toString';
    if (has('mask@pii')) return 'receive: PII masking';
    if (has('decodeLokiPush@')) return 'receive: decode + validate';
    return 'receive: entry building, counters, the rest';
  }
  if (stack.some((s) => s.startsWith('storeLogs@') || s.includes('kysely') || s.includes('sqlite-driver')))
    return "store: the writer's JS and kysely";
  return 'setup (data generation, module loading)';
}

const ms = new Map<string, number>();
for (let i = 0; i < p.samples.length; i++) {
  const k = piece(stackOf(p.samples[i]!));
  ms.set(k, (ms.get(k) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
}
const receive = [...ms].filter(([k]) => k.startsWith('receive:') || k.startsWith('store:'));
const total = receive.reduce((a, [, v]) => a + v, 0);
console.log('| piece | sampled ms | share of the receive |');
console.log('|---|---|---|');
for (const [k, v] of [...ms].sort((a, b) => b[1] - a[1]))
  console.log(
    `| ${k} | ${v.toFixed(0)} | ${k.startsWith('receive:') || k.startsWith('store:') ? `${((v / total) * 100).toFixed(1)} %` : ''} |`,
  );
