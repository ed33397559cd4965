/**
 * Where one periodic insights cycle's CPU goes: the same cluster as bench/insights-cycle.ts, then `--rounds`
 * cycles of the rollout, SLO and region calls under the inspector's CPU profiler (only the
 * calls are profiled, not the simulated cluster). Prints self time by function and inclusive time of the
 * provider's main steps. Run: `npx tsx bench/insights-cycle-profile.ts [--nodes 12] [--warmup 120] [--rounds 4]
 * [--top 30]
 * [--calls rollout,slo,regions]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_INSIGHTS_EXPORT } from '../src/monitor/insights-exporter.ts';
import { createInsightsProvider } from '../src/monitor/rollout-provider.ts';
import { openChunkedSqliteStore } from '../src/store/tsdb/open.ts';
import { healthyCluster } from '../test/helpers/healthy-cluster.ts';
import type { Profile } from './cpuprofile.ts';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '12' },
    warmup: { type: 'string', default: '120' },
    rounds: { type: 'string', default: '4' },
    top: { type: 'string', default: '30' },
    calls: { type: 'string', default: 'rollout,slo,regions' },
  },
});
const warmup = Number(values.warmup);
const rounds = Number(values.rounds);
const dir = mkdtempSync(join(tmpdir(), 'insights-profile-'));
const opened = await openChunkedSqliteStore({ path: join(dir, 'db.sqlite'), walDir: join(dir, 'wal') });
const session = new Session();
session.connect();
try {
  const cluster = healthyCluster(opened.samples, {
    nodes: Number(values.nodes),
    maxSeconds: warmup + 15 * rounds + 1,
  });
  let now = await cluster.advanceTo(warmup);
  const p = createInsightsProvider(opened);
  const o = DEFAULT_INSIGHTS_EXPORT;
  const calls = new Set(values.calls.split(','));
  const cycle = (t: number) =>
    Promise.all([
      calls.has('rollout') && p.rollout(o.rolloutWindowMs, t),
      calls.has('slo') && p.slo(o.sloWindowMs, t),
      calls.has('regions') && p.regions(o.regionWindowMs, t),
    ]);
  await cycle(now);
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  let profile: Profile | undefined;
  for (let r = 0; r < rounds; r++) {
    now = await cluster.advanceTo(warmup + 15 * (r + 1));
    await session.post('Profiler.start');
    await cycle(now);
    const got = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    profile = mergeInto(profile, got.profile);
  }
  summarise(profile!, Number(values.top));
} finally {
  session.disconnect();
  await opened.close();
  rmSync(dir, { recursive: true, force: true });
}

function mergeInto(acc: Profile | undefined, p: Profile): Profile {
  if (acc === undefined) return p;
  // Separate profiles: renumber the new one's nodes above the accumulated ones.
  const base = Math.max(...acc.nodes.map((n) => n.id)) + 1;
  return {
    nodes: [
      ...acc.nodes,
      ...p.nodes.map((n) => ({ ...n, id: n.id + base, children: n.children?.map((c) => c + base) })),
    ],
    samples: [...acc.samples, ...p.samples.map((s) => s + base)],
    timeDeltas: [...acc.timeDeltas, ...p.timeDeltas],
  };
}

function summarise(p: Profile, top: number): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  const name = (id: number): string => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || '(anon)'}@${f.url.split('/').slice(-2).join('/')}`;
  };
  p.samples.forEach((s, i) => {
    const dt = p.timeDeltas[i + 1] ?? 0;
    const nm = name(s);
    if (nm.startsWith('(idle)') || nm.startsWith('(program)')) return;
    total += dt;
    self.set(nm, (self.get(nm) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = s; id !== undefined; id = parent.get(id)) {
      const x = name(id);
      if (seen.has(x)) continue;
      seen.add(x);
      incl.set(x, (incl.get(x) ?? 0) + dt);
    }
  });
  const pct = (x: number): string => ((100 * x) / total).toFixed(1).padStart(5);
  console.log(`busy ${(total / 1000 / rounds).toFixed(1)} ms per cycle`);
  console.log('self:');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)} % ${k}`);
  console.log('inclusive:');
  for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top * 2))
    console.log(`${pct(v)} % ${k}`);
}
