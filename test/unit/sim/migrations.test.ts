import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_FAULT } from '../../../src/sim/faults.ts';
import {
  DEFAULT_V1_DURATION_FACTOR,
  MigrationDriver,
  type MigrationTick,
} from '../../../src/sim/migrations.ts';
import { MODE_PARAMS } from '../../../src/sim/mode-params.ts';
import { Prng } from '../../../src/sim/prng.ts';
import { NodeTelemetry } from '../../../src/sim/telemetry.ts';
import { valueOf } from '../../helpers/metric-values.ts';

const T0 = Date.UTC(2026, 0, 1);

function driver(rolloutPercent: number) {
  let eventMs = 0;
  const tel = new NodeTelemetry({ id: 'node-1', region: 'r', clock: () => eventMs, warn: () => {} });
  const times: number[] = [];
  const d = new MigrationDriver(tel, new Prng(3), {
    id: 'node-1',
    peers: ['node-2'],
    rolloutPercent,
    v1DurationFactor: DEFAULT_V1_DURATION_FACTOR,
    downtimePrng: new Prng(4),
    setEventMs: (ms) => {
      eventMs = ms;
      times.push(ms);
    },
  });
  return { d, tel, times, now: () => eventMs };
}

const at = (nowMs: number, dt: number, v3Factor = 1): MigrationTick => ({
  nowMs,
  dt,
  mode: 'datacenter',
  params: MODE_PARAMS.datacenter,
  latencyMs: 2,
  throughput: 2.5e9,
  ratio: 2.6,
  eff: { ...NO_FAULT, v3Factor },
});

describe('MigrationDriver', () => {
  it('starts 4 migrations per second split by the rollout, carrying fractions between ticks', async () => {
    const { d, tel } = driver(25);
    for (let i = 0; i < 40; i++) d.run(at(T0 + i * 250, 0.25)); // 10 s
    const v3 = await valueOf(
      tel.registry,
      'dwcp_v3_migration_duration_seconds',
      { mode: 'datacenter' },
      'dwcp_v3_migration_duration_seconds_count',
    );
    assert.equal(v3, 10, '25 % of 40 migrations, all successful or counted as failures');
  });

  it('reports the v3 slowdown of a regression and leaves the event clock at the tick time', () => {
    const { d, now, times } = driver(100);
    assert.equal(d.run(at(T0, 0.1)).v3Slowdown, undefined, 'no whole migration yet');
    const { v3Slowdown } = d.run(at(T0 + 1000, 1, 3));
    assert.ok(v3Slowdown !== undefined && Math.abs(v3Slowdown - 3) < 0.3, `slowdown ${v3Slowdown}`);
    assert.equal(now(), T0 + 1000);
    assert.equal(times.at(-1), T0 + 1000);
  });

  it('v1 migrations go through the wrapper from start to start + duration on the event clock', () => {
    const { d, times } = driver(0);
    d.run(at(T0, 1));
    assert.equal(times.length, 4 * 2 + 1, 'start and end per migration, then back to the tick time');
    for (let i = 0; i < 8; i += 2) {
      assert.equal(times[i], T0);
      assert.ok(times[i + 1]! > T0);
    }
  });
});
