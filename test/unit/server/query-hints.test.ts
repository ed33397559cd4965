import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queryHints } from '../../../src/server/query-hints.ts';

describe('range query hints', () => {
  it('gives the catalog unit, per second for rate of byte and count counters', () => {
    assert.deepEqual(queryHints('dwcp_host_memory_used_bytes', 'avg', [], {}, []), {
      unit: 'bytes',
      warnings: [],
    });
    assert.equal(
      queryHints('dwcp_host_network_receive_bytes_total', 'rate', [], {}, []).unit,
      'bytes_per_second',
    );
    assert.equal(queryHints('dwcp_monitor_scrapes_total', 'rate', [], {}, []).unit, 'operations_per_second');
    assert.deepEqual(queryHints('not_in_catalog', 'rate', [], {}, []), { unit: null, warnings: [] });
  });

  it('warns about rate of a gauge', () => {
    const h = queryHints('dwcp_host_memory_used_bytes', 'rate', [], {}, []);
    assert.equal(h.warnings.length, 1);
    assert.match(h.warnings[0]!, /rate of dwcp_host_memory_used_bytes, a gauge: rate is meant for counters/);
  });

  it('names labels in by or match that no series has, with the labels it does have', () => {
    const series = [
      { device: 'eth0', node: 'n1' },
      { device: 'eth1', node: 'n1' },
    ];
    assert.deepEqual(
      queryHints('dwcp_host_network_receive_bytes_total', 'rate', ['device', 'node'], { node: 'n1' }, series)
        .warnings,
      [],
    );
    const h = queryHints(
      'dwcp_host_network_receive_bytes_total',
      'rate',
      ['interface', 'device'],
      { nod: 'n1' },
      series,
    );
    assert.deepEqual(h.warnings, [
      'no series of dwcp_host_network_receive_bytes_total has the labels interface, nod; its labels are device, node',
    ]);
  });
});
