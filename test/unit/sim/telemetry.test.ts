import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricsOf } from '../../../src/catalog/index.ts';
import { NodeTelemetry } from '../../../src/sim/telemetry.ts';
import { valueOf } from '../../helpers/metric-values.ts';

describe('NodeTelemetry', () => {
  it('registers the v1, v3 and production sets in its own registry and initialises the zero series', async () => {
    const tel = new NodeTelemetry({ id: 'node-7', region: 'eu-west', clock: () => 0, warn: () => {} });
    const names = (await tel.registry.getMetricsAsJSON()).map((m) => m.name);
    assert.deepEqual(
      names,
      [...metricsOf('v1'), ...metricsOf('v3'), ...metricsOf('production')].map((d) => d.name),
    );
    tel.initialize({
      id: 'node-7',
      seed: 0xabc,
      startMs: Date.UTC(2026, 2, 4),
      rolloutPercent: 0,
      peers: [],
    });
    const text = await tel.registry.metrics();
    assert.match(text, /dwcp_system_version_info\{[^}]*git_commit="00000abc"[^}]*\} 1/);
    assert.match(text, /build_date="2026-03-04"/);
    assert.match(
      text,
      /dwcp_migration_duration_seconds_count\{[^}]*source_node="node-7",dest_node="node-7"[^}]*\} 0/,
      'a lone node migrates to itself',
    );
    assert.equal(await valueOf(tel.registry, 'dwcp_system_config_enabled', { feature: 'v3_enabled' }), 0);
    assert.equal(await valueOf(tel.registry, 'dwcp_system_config_enabled', { feature: 'hde_enabled' }), 1);
  });
});
