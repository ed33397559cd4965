/** One maintenance pass (src/monitor/maintenance.ts) over fakes of the store, tracker and checkpointer. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runMaintenance, STALE_SERIES_MS, type MaintenanceDeps } from '../../../src/monitor/maintenance.ts';
import type { MonitorLog } from '../../../src/monitor/log.ts';

const NOW = 10_000_000;

function deps(over: { failRetention?: boolean; failPrune?: 'sync' | 'async' } = {}) {
  const calls: string[] = [];
  const errors: string[] = [];
  const log: MonitorLog = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (_f, m) => void errors.push(m),
  };
  const d: MaintenanceDeps = {
    tracker: { forgetOlderThan: (cutoff) => (calls.push(`forget ${cutoff}`), 4) },
    store: {
      applyRetention: (now) => (
        calls.push(`retention ${now}`),
        over.failRetention ? Promise.reject(new Error('locked')) : Promise.resolve(7)
      ),
      prune: (max) => {
        calls.push(`prune ${max}`);
        if (over.failPrune === 'sync') throw new Error('sync');
        return over.failPrune === 'async' ? Promise.reject(new Error('async')) : Promise.resolve(2);
      },
      deleteDetectorStatesOlderThan: (cutoff) => (calls.push(`states ${cutoff}`), Promise.resolve(1)),
    },
    checkpointer: { dropUnused: (now) => (calls.push(`drop ${now}`), 3) },
    log,
    maxAnomalies: 100,
    detectorStateRetentionMs: 3600_000,
  };
  return { d, calls, errors };
}

it('runs every step with its cutoff and reports what each did', async () => {
  const { d, calls, errors } = deps();
  const s = await runMaintenance(d, NOW);
  assert.deepEqual(s, {
    seriesForgotten: 4,
    samplesDeleted: 7,
    anomaliesPruned: 2,
    detectorStatesDeleted: 1,
    restoredDropped: 3,
  });
  assert.deepEqual(calls, [
    `forget ${NOW - STALE_SERIES_MS}`,
    `retention ${NOW}`,
    'prune 100',
    `states ${NOW - 3600_000}`,
    `drop ${NOW}`,
  ]);
  assert.deepEqual(errors, []);
});

it('a failing step is logged and counted null; the others still run', async () => {
  for (const failPrune of ['sync', 'async'] as const) {
    const { d, errors } = deps({ failRetention: true, failPrune });
    const s = await runMaintenance(d, NOW);
    assert.deepEqual(s, {
      seriesForgotten: 4,
      samplesDeleted: null,
      anomaliesPruned: null,
      detectorStatesDeleted: 1,
      restoredDropped: 3,
    });
    assert.deepEqual(errors.sort(), ['anomaly pruning failed', 'retention failed']);
  }
});

it('without a checkpointer (detection disabled) nothing is dropped', async () => {
  const { d } = deps();
  assert.equal((await runMaintenance({ ...d, checkpointer: null }, NOW)).restoredDropped, 0);
});
