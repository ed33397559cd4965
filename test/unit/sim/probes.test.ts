import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_FAULT } from '../../../src/sim/faults.ts';
import { linkProfile } from '../../../src/sim/link-model.ts';
import { Prng } from '../../../src/sim/prng.ts';
import { PROBES_PER_SECOND, ProbeSet } from '../../../src/sim/probes.ts';
import { NodeTelemetry } from '../../../src/sim/telemetry.ts';
import { valueOf, valuesOf } from '../../helpers/metric-values.ts';

function probes(remoteRegions: readonly string[], seed = 5) {
  const tel = new NodeTelemetry({ id: 'node-1', region: 'us-east', clock: () => 0, warn: () => {} });
  const set = new ProbeSet(tel.v3Metrics, {
    nodeId: 'node-1',
    region: 'us-east',
    remoteRegions,
    profile: linkProfile('hybrid', new Prng(2)),
    seed,
  });
  return { tel, set };
}

describe('ProbeSet', () => {
  it('probes every remote region (or <region>-dr when there is none) and counts PROBES_PER_SECOND x dt', async () => {
    const { tel, set } = probes(['eu-west', 'ap-south']);
    set.probe(2, 0, 25, 1e9, NO_FAULT);
    set.probe(0.5, 0, 25, 1e9, NO_FAULT);
    for (const remote of ['eu-west', 'ap-south']) {
      assert.equal(
        await valueOf(tel.registry, 'dwcp_v3_network_probes_sent_total', { remote_region: remote }),
        PROBES_PER_SECOND * 2.5,
      );
    }
    const lone = probes([]);
    lone.set.probe(1, 0, 25, 1e9, NO_FAULT);
    assert.deepEqual(
      (await valuesOf(lone.tel.registry, 'dwcp_v3_network_probes_sent_total')).map(
        (r) => r.labels['remote_region'],
      ),
      ['us-east-dr'],
    );
  });

  it('is deterministic per seed; a latency fault multiplies the RTT', async () => {
    const a = probes(['eu-west']);
    const b = probes(['eu-west']);
    const c = probes(['eu-west']);
    a.set.probe(1, 0, 25, 1e9, NO_FAULT);
    b.set.probe(1, 0, 25, 1e9, NO_FAULT);
    c.set.probe(1, 0, 25, 1e9, { ...NO_FAULT, latencyFactor: 5 });
    const rtt = (t: typeof a) =>
      valueOf(t.tel.registry, 'dwcp_v3_network_rtt_seconds', { remote_region: 'eu-west' });
    assert.equal(await rtt(a), await rtt(b));
    assert.ok(Math.abs((await rtt(c))! / (await rtt(a))! - 5) < 1e-9);
  });
});
