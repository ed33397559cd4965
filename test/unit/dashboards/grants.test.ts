/**
 * Per-widget grants (src/dashboards/grants.ts) through the dashboard service on a real SQLite dashboard store:
 * a widget granted to roles or users is evaluated only for them and the tenant's admins; others get it as
 * `unavailable` with no data; widgets without grants are shown to everyone; bad grants are refused by path.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DashboardData } from '../../../src/contract/dashboards.ts';
import { DashboardService } from '../../../src/dashboards/service.ts';
import type { DashboardStore } from '../../../src/dashboards/store/dashboard-store.ts';
import { openSqliteDashboardStore } from '../../../src/dashboards/store/open.ts';
import { InvalidInputError } from '../../../src/errors.ts';
import { testDeps } from '../../helpers/server-fakes.ts';

const NOW = Date.UTC(2026, 0, 1, 12);
const METRIC = 'dwcp_amst_streams_active';

describe('widget grants', () => {
  let store: DashboardStore;
  let service: DashboardService;
  let id = '';
  before(async () => {
    const deps = testDeps();
    await deps.samples.append([
      { name: METRIC, labels: { node_id: 'n1' }, value: 3, timestampMs: NOW - 10_000 },
    ]);
    store = await openSqliteDashboardStore(':memory:');
    service = new DashboardService({
      store,
      sources: { samples: deps.samples },
      limits: { seriesMax: 10, rawPointsPerSeries: 100, targetPoints: 10 },
      cache: { ttlMs: 1000 },
      now: () => NOW,
    });
    const stat = (wid: string, x: number, grants?: object) => ({
      type: 'stat',
      id: wid,
      title: wid,
      gridPos: { x, y: 0, w: 8, h: 4 },
      queries: [{ kind: 'metric', refId: 'A', metric: METRIC, agg: 'sum' }],
      ...(grants ? { grants } : {}),
    });
    const rec = await service.create(
      { tenantId: 't', actor: 'ann', role: 'admin' },
      {
        title: 'Granted',
        widgets: [
          stat('open', 0),
          stat('editors', 8, { roles: ['editor'] }),
          stat('vic', 16, { users: ['vic'] }),
        ],
      },
    );
    id = rec.id;
  });
  after(async () => {
    await store.close();
  });

  const statuses = (d: DashboardData) => Object.fromEntries(d.widgets.map((w) => [w.id, w.status]));

  it('evaluates a granted widget only for its roles, its users and admins', async () => {
    assert.deepEqual(statuses(await service.data({ tenantId: 't', actor: 'ann', role: 'admin' }, id)), {
      open: 'ok',
      editors: 'ok',
      vic: 'ok',
    });
    assert.deepEqual(statuses(await service.data({ tenantId: 't', actor: 'ed', role: 'editor' }, id)), {
      open: 'ok',
      editors: 'ok',
      vic: 'unavailable',
    });
    assert.deepEqual(statuses(await service.data({ tenantId: 't', actor: 'vic', role: 'viewer' }, id)), {
      open: 'ok',
      editors: 'unavailable',
      vic: 'ok',
    });
    const other = await service.data({ tenantId: 't', actor: 'val', role: 'viewer' }, id);
    assert.deepEqual(statuses(other), { open: 'ok', editors: 'unavailable', vic: 'unavailable' });
    assert.ok(
      !JSON.stringify(other.widgets.filter((w) => w.id !== 'open')).includes('result'),
      'no data of a widget not granted',
    );
    assert.deepEqual(
      statuses(await service.data({ tenantId: 't', actor: 'anonymous' }, id)),
      { open: 'ok', editors: 'ok', vic: 'ok' },
      'no role: authentication disabled',
    );
  });

  it('refuses empty grants and unknown roles, naming the path', async () => {
    const bad = async (grants: object) =>
      service.create(
        { tenantId: 't', actor: 'ann' },
        {
          title: 'x',
          widgets: [
            {
              type: 'stat',
              id: 's',
              title: 's',
              gridPos: { x: 0, y: 0, w: 8, h: 4 },
              queries: [{ kind: 'metric', refId: 'A', metric: METRIC }],
              grants,
            },
          ],
        },
      );
    await assert.rejects(
      bad({}),
      (e: Error) =>
        e instanceof InvalidInputError &&
        /widgets\[0\]\.grants/.test(e.message) &&
        /at least one role or user/.test(e.message),
    );
    await assert.rejects(
      bad({ roles: ['owner'] }),
      (e: Error) => e instanceof InvalidInputError && /widgets\[0\]\.grants\.roles\[0\]/.test(e.message),
    );
  });
});
