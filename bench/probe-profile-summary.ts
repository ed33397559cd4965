/**
 * Splits a `.cpuprofile` of `serve` written by `npm run bench:probe -- --cpu-prof DIR` into the monitor's pieces
 * over the probe's measured window only: from `--from` seconds after the profile starts (default 25: the probe's
 * 20 s warm-up plus startup) to the start of the shutdown (the first sample of the detector checkpointer's stop or
 * of a store checkpoint not started by an append, i.e. the closing checkpoint), or `--to` seconds. The shutdown's
 * checkpoint re-compacts every open chunk; it is no part of the probe's CPU per sample and is printed apart.
 * Each sample goes to the first piece in the list below whose frame is on its stack (so reads made by the rollout
 * provider count as the rollout's); shares are of busy (non-idle) sampled time of the main thread.
 *
 * `--transport` also splits the scrape's HTTP and the rest by part (bench/probe-transport-parts.ts).
 *
 * Run: `npx tsx bench/probe-profile-summary.ts <file.cpuprofile> [--from 25] [--to S] [--transport]`.
 */
import { parseArgs } from 'node:util';
import { readProfile } from './cpuprofile.ts';
import { PIECES } from './probe-pieces.ts';
import { TRANSPORT_PARTS } from './probe-transport-parts.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string', default: '25' },
    to: { type: 'string' },
    transport: { type: 'boolean', default: false },
  },
});
const file = positionals[0];
if (file === undefined)
  throw new Error('usage: probe-profile-summary.ts <file.cpuprofile> [--from 25] [--to S] [--transport]');
const { profile: p, stackOf, isIdle } = readProfile(file);
/** The closing checkpoint or the checkpointer's stop: the shutdown has begun. */
const isShutdown = (f: readonly string[]): boolean =>
  f.some((x) => x.startsWith('stop@monitor/checkpointer')) ||
  (f.some((x) => x.startsWith('checkpointLocked@')) && !f.some((x) => x.startsWith('maybeCheckpoint@')));

const from = Number(values.from) * 1e6;
const to = values.to === undefined ? Infinity : Number(values.to) * 1e6;
const busy = new Map<string, number>();
const parts = new Map<string, number>();
let total = 0;
let shutdown = 0;
let shutdownAt: number | undefined;
let t = 0;
for (let i = 0; i < p.samples.length; i++) {
  t += p.timeDeltas[i]!;
  const dt = p.timeDeltas[i + 1] ?? 0;
  if (t < from || isIdle(p.samples[i]!)) continue;
  const frames = stackOf(p.samples[i]!);
  if (shutdownAt === undefined && values.to === undefined && isShutdown(frames)) shutdownAt = t;
  if (shutdownAt !== undefined || t > to) {
    shutdown += dt;
    continue;
  }
  const piece = PIECES.find(([, test]) => test(frames))![0];
  busy.set(piece, (busy.get(piece) ?? 0) + dt);
  if (values.transport && (piece.startsWith('scrape: HTTP') || piece.startsWith('rest ('))) {
    const part = TRANSPORT_PARTS.find(([, test]) => test(frames))![0];
    parts.set(part, (parts.get(part) ?? 0) + dt);
  }
  total += dt;
}
const end = shutdownAt ?? Math.min(to, t);
console.log(
  `window ${(from / 1e6).toFixed(1)}-${(end / 1e6).toFixed(1)} s: ${(total / 1e6).toFixed(2)} s busy; ` +
    `after it (shutdown${values.to === undefined ? '' : ' or past --to'}) ${(shutdown / 1e6).toFixed(2)} s busy`,
);
for (const [k, v] of [...busy].sort((a, b) => b[1] - a[1]))
  console.log(`${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
if (values.transport) {
  console.log('the scrape transport and the rest, by part (shares of the same busy time):');
  for (const [k, v] of [...parts].sort((a, b) => b[1] - a[1]))
    console.log(`${((100 * v) / total).toFixed(1).padStart(5)} %    ${k}`);
}
