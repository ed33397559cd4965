import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { getMetric } from '../../../src/catalog/index.ts';
import { InvalidInputError } from '../../../src/errors.ts';
import { createConstMetrics } from '../../../src/sdk/const-metrics.ts';

describe('const metrics', () => {
  const defs = [getMetric('node_load1'), getMetric('node_network_receive_bytes_total')];

  it('prints exactly the series last given, with catalog help and type', async () => {
    const r = new Registry();
    const c = createConstMetrics(r, defs);
    assert.doesNotMatch(await r.metrics(), /^node_load1 /m, 'no invented 0 before a value was given');
    c.replaceAll([
      { name: 'node_load1', samples: [{ labels: {}, value: 1.5 }] },
      { name: 'node_network_receive_bytes_total', samples: [{ labels: { device: 'eth0' }, value: 2 ** 40 }] },
    ]);
    const text = await r.metrics();
    assert.match(text, /^node_load1 1\.5$/m);
    assert.match(text, /^# TYPE node_network_receive_bytes_total counter$/m);
    assert.match(text, /^node_network_receive_bytes_total\{device="eth0"\} 1099511627776$/m);
    assert.equal(c.size, 2);
    c.replaceAll([{ name: 'node_load1', samples: [{ labels: {}, value: 2 }] }]);
    assert.doesNotMatch(await r.metrics(), /device="eth0"/, 'families not given are emptied');
  });

  it('rejects unknown families, wrong label names and histograms, replacing nothing', async () => {
    const r = new Registry();
    const c = createConstMetrics(r, defs);
    c.replaceAll([{ name: 'node_load1', samples: [{ labels: {}, value: 3 }] }]);
    assert.throws(() => c.replaceAll([{ name: 'node_load5', samples: [] }]), /not in this const metric set/);
    assert.throws(
      () =>
        c.replaceAll([
          { name: 'node_network_receive_bytes_total', samples: [{ labels: { iface: 'x' }, value: 1 }] },
        ]),
      /labels \{iface\} differ/,
    );
    assert.match(await r.metrics(), /^node_load1 3$/m);
    assert.throws(
      () => createConstMetrics(new Registry(), [getMetric('dwcp_collector_cycle_duration_seconds')]),
      InvalidInputError,
    );
  });
});
