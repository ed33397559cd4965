/**
 * The insights provider's SLOs per tenant (src/monitor/rollout-provider.ts): with a tenant scope every SLI reads
 * only the series of the tenant's nodes, so one tenant's healthy nodes are not judged by another's failing ones.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSloDefinitions } from '../../../src/analysis/slo/definition.ts';
import type { TenantScope } from '../../../src/model/tenant-scope.ts';
import { createInsightsProvider } from '../../../src/monitor/rollout-provider.ts';
import { openSqliteStore } from '../../../src/store/sqlite.ts';

const NOW = Date.UTC(2026, 0, 1, 12);
const METRIC = 'dwcp_amst_streams_active';

test('a tenant SLO reads its own nodes only; an empty scope has no data; without a scope every node counts', async () => {
  const store = await openSqliteStore({ path: ':memory:', retentionMs: 86_400_000 });
  try {
    // an hour of 10 s samples: node-a well below the threshold, node-b far above it
    for (const [node, value] of [
      ['node-a', 1],
      ['node-b', 100],
    ] as const) {
      await store.append(
        Array.from({ length: 361 }, (_, k) => ({
          name: METRIC,
          labels: { node_id: node, region: 'eu-west' },
          value,
          timestampMs: NOW - 3_600_000 + k * 10_000,
        })),
      );
    }
    const slos = parseSloDefinitions({
      slos: [
        {
          name: 'streams',
          sli: { type: 'threshold', metric: METRIC, statistic: 'value', op: '<=', threshold: 10 },
          objective: 0.9,
          window: '1h',
        },
      ],
    });
    const insights = createInsightsProvider(store, { slos, sloEvidence: { minObservedMs: 600_000 } });
    const tenant = (nodes: string[]): TenantScope => ({
      kind: 'nodes',
      tenant: 't',
      nodes: new Set(nodes),
      regions: new Set(),
    });
    const report = async (scope?: TenantScope) => {
      const s = (await insights.slo(3_600_000, NOW, scope)).slos[0]!;
      assert.ok(s.evaluated, s.reason ?? '');
      return s.report;
    };
    const mine = await report(tenant(['node-a']));
    assert.deepEqual([mine.status, mine.compliance], ['met', 1]);
    const theirs = await report(tenant(['node-b']));
    assert.deepEqual([theirs.status, theirs.compliance], ['violated', 0]);
    assert.equal((await report()).status, 'violated', 'the cluster-wide SLO counts node-b');
    assert.equal((await report(tenant([]))).status, 'no-data');
  } finally {
    await store.close();
  }
});
