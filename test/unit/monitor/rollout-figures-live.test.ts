/**
 * The per-version figures through the live path: simulated nodes (both versions on every node, a 50 % stage) →
 * their /metrics text → the exposition parser → a SQLite store → the insights provider behind GET /api/rollout.
 * An equal v3 has CPU, memory and bandwidth saved measured with intervals around 0; a v3 that is 20 % slower
 * (the simulator's v3 regression) costs more CPU and memory; a few seconds of data are insufficient-data.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VersionFigure } from '../../../src/contract/rollout.ts';
import { parseExposition } from '../../../src/ingest/exposition.ts';
import { createInsightsProvider } from '../../../src/monitor/rollout-provider.ts';
import { linkProfile } from '../../../src/sim/link-model.ts';
import { SimNode } from '../../../src/sim/node.ts';
import { Prng } from '../../../src/sim/prng.ts';
import { openSqliteStore } from '../../../src/store/sqlite.ts';

const T0 = Date.UTC(2026, 0, 1);
const SCRAPE_S = 5;
/** Series the rollout status reads (every other series of the exposition is left out to keep the store small). */
const READ =
  /^(dwcp_(v3_)?migration_(duration_seconds|memory_bytes_total|cpu_seconds_total|host_memory_peak_bytes|sent_bytes_total)(_sum|_count)?|dwcp_v3_rollout_progress_percent|dwcp_system_config_enabled)$/;

/** `seconds` of 3 simulated internet nodes at a 50 % stage, scraped every 5 s, then the provider's rollout status. */
async function run(seconds: number, v3Factor: number) {
  const ids = ['node-1', 'node-2', 'node-3'];
  const nodes = ids.map(
    (id, i) =>
      new SimNode({
        id,
        region: 'sim',
        profile: linkProfile('internet', new Prng(70 + i)),
        seed: 500 + i,
        rolloutPercent: 50,
        daySeconds: 86400,
        startMs: T0,
        faults:
          v3Factor === 1
            ? []
            : [
                {
                  kind: 'v3_regression',
                  node: i,
                  startMs: 0,
                  durationMs: (seconds + 1) * 1000,
                  magnitude: v3Factor,
                },
              ],
        peers: ids.filter((x) => x !== id),
        remoteRegions: [],
        v1DurationFactor: 1,
        warn: () => {},
      }),
  );
  const store = await openSqliteStore({ path: ':memory:', retentionMs: 86_400_000 });
  try {
    for (let s = 0; s <= seconds; s++) {
      const now = T0 + s * 1000;
      for (const x of nodes) x.tick(now);
      if (s % SCRAPE_S !== 0) continue;
      for (const x of nodes) {
        const { samples } = parseExposition(await x.registry.metrics(), { defaultTimestampMs: now });
        await store.append(
          samples
            .filter((p) => READ.test(p.name))
            .map((p) => ({ ...p, labels: { ...p.labels, node: x.id } })),
        );
      }
    }
    const nowMs = T0 + seconds * 1000;
    return await createInsightsProvider(store).rollout(seconds * 1000, nowMs);
  } finally {
    await store.close();
  }
}

const figure = (fs: readonly VersionFigure[], f: VersionFigure['figure']) => {
  const x = fs.find((y) => y.figure === f)!;
  assert.equal(x.state, 'measured', x.state === 'insufficient-data' ? `${f}: ${x.missing}` : '');
  return x as Extract<VersionFigure, { state: 'measured' }>;
};

describe('per-version figures through the live path (simulator → exposition → store → provider)', () => {
  it('equal versions: CPU, memory and bandwidth saved measured per node, intervals around 0; comparison filled', async () => {
    const r = await run(240, 1);
    for (const f of ['throughput', 'cpu', 'memory', 'bandwidth_saved'] as const) {
      const x = figure(r.figures.perVersion, f);
      assert.ok(x.lowerPercent < 0.5 && x.upperPercent > -0.5, `${f} ${x.lowerPercent}..${x.upperPercent}`);
      assert.equal(x.strata, 3);
    }
    const c = r.comparison;
    assert.ok(Math.abs(c.cpuImprovementPercent!) < 3, `${c.cpuImprovementPercent}`);
    assert.ok(Math.abs(c.memoryImprovementPercent!) < 3, `${c.memoryImprovementPercent}`);
    assert.ok(c.bandwidthSavedPercent! > 0 && c.bandwidthSavedPercent! < 100, `${c.bandwidthSavedPercent}`);
  });

  it('a 20 % slower v3 costs more CPU and memory (intervals below 0); 10 s of data are insufficient-data', async () => {
    const r = await run(240, 1.2);
    const cpu = figure(r.figures.perVersion, 'cpu');
    assert.ok(cpu.upperPercent < -15 && cpu.lowerPercent > -25, `${cpu.lowerPercent}..${cpu.upperPercent}`);
    const mem = figure(r.figures.perVersion, 'memory');
    assert.ok(mem.upperPercent < 0, `${mem.lowerPercent}..${mem.upperPercent}`);
    assert.ok(r.comparison.cpuImprovementPercent! < -15);
    const early = await run(10, 1);
    for (const f of early.figures.perVersion) {
      assert.equal(f.state, 'insufficient-data', f.figure);
      assert.match(
        f.state === 'insufficient-data' ? f.missing : '',
        /migrations in \d+ intervals \(at least 100/,
      );
    }
    assert.equal(early.comparison.cpuImprovementPercent, null);
  });
});
