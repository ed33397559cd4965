/**
 * A monitor started over a database a previous run left with open anomalies (real SQLite file, `startMonitor`):
 * the open row whose series has a checkpointed held band is taken over (still open: the restarted engine will
 * resolve it when its series is back inside the band), the open row without one is resolved at startup with the
 * reason `monitor restarted without its state`, both as `GET /api/anomalies` shows them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { parseMonitorConfig } from '../../../src/config.ts';
import { startMonitor, type RunningMonitor } from '../../../src/main.ts';
import { RESTARTED_WITHOUT_STATE } from '../../../src/monitor/detection-restore.ts';
import { openSqliteStore } from '../../../src/store/sqlite.ts';
import { anomaly, stateRow, T0 } from '../../helpers/store-fixtures.ts';

describe('open anomalies of a previous run at startup', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-restart-start-'));
  const path = join(dir, 'm.db');
  let monitor: RunningMonitor;
  let held = 0;
  let lost = 0;

  before(async () => {
    const previous = await openSqliteStore({ path, retentionMs: 3600_000 });
    held = (await previous.insert(anomaly({ seriesKey: 'held{node="n1"}', startedAtMs: T0 }))).id;
    lost = (await previous.insert(anomaly({ seriesKey: 'lost{node="n1"}', startedAtMs: T0 + 1 }))).id;
    await previous.saveDetectorStates([
      stateRow('held{node="n1"}', { level: 1 }, T0, { hold: { lower: 8, upper: 12, openedAtMs: T0 } }),
    ]);
    await previous.close();
    monitor = await startMonitor({
      config: parseMonitorConfig({
        listen: { host: '127.0.0.1', port: 0 },
        auth: { mode: 'disabled' },
        storage: { type: 'sqlite', path },
        host: { enabled: false },
        reports: { schedule: { hourly: false, daily: false, weekly: false } },
      }),
      logger: pino({ level: 'silent' }),
    });
  });
  after(async () => {
    await monitor?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the held row open and resolves the other with the reason', async () => {
    const r = await fetch(`${monitor.url.replace(/\/$/, '')}/api/anomalies?limit=10`);
    assert.equal(r.status, 200);
    const body = (await r.json()) as {
      data: { id: number; resolvedAtMs: number | null; resolution?: string }[];
    };
    const byId = new Map(body.data.map((a) => [a.id, a]));
    assert.equal(byId.get(held)!.resolvedAtMs, null, 'taken over: the restarted engine resolves it');
    assert.notEqual(byId.get(lost)!.resolvedAtMs, null, 'no state came back: resolved at startup');
    assert.equal(byId.get(lost)!.resolution, RESTARTED_WITHOUT_STATE);
  });
});
