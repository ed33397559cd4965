/**
 * Simulator logs: a migration with transfer timeouts and a failure produces the lines an operator expects on
 * the source and destination (start, one warn per timed-out attempt, error on failure, receive, state sync
 * failure), at the simulator's event times, with OTel severities, node and region on the resource, and the
 * trace ids of the W3C carrier; a mode switch is logged by the node that switched.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import type { MigrationTraceInput } from '../../../src/sdk/migration-tracing.ts';
import { ClusterLogging, traceFields } from '../../../src/sim/logging.ts';

const T0 = Date.UTC(2026, 0, 1, 12);
const TRACE = 'ab'.repeat(16);
const SPAN = 'cd'.repeat(8);

function setup() {
  const exporters = new Map<string, InMemoryLogRecordExporter>();
  const logging = new ClusterLogging(
    [
      { id: 'node-1', region: 'us-east' },
      { id: 'node-2', region: 'eu-west' },
    ],
    {
      simple: true,
      exporter: (id) => {
        const e = new InMemoryLogRecordExporter();
        exporters.set(id, e);
        return e;
      },
    },
  );
  const records = (id: string) =>
    exporters
      .get(id)!
      .getFinishedLogRecords()
      .map((r) => ({
        body: r.body,
        severity: r.severityNumber,
        timeMs: r.hrTime[0] * 1000 + Math.round(r.hrTime[1] / 1e6),
        component: r.attributes['component'],
        traceId: r.spanContext?.traceId,
        spanId: r.spanContext?.spanId,
        region: r.resource.attributes['cloud.region'],
        node: r.resource.attributes['service.instance.id'],
      }));
  return { logging, records };
}

const migration: MigrationTraceInput = {
  vmId: 'vm-7',
  vmSize: 'large',
  sourceNode: 'node-1',
  destinationNode: 'node-2',
  mode: 'internet',
  version: 'v3',
  startMs: T0,
  durationMs: 60_000,
  bytes: 1e9,
  ok: false,
  retries: 2,
};

describe('ClusterLogging', () => {
  it('logs a failed migration with retries on both nodes, with trace ids', async () => {
    const { logging, records } = setup();
    logging.migration(migration, { traceparent: `00-${TRACE}-${SPAN}-01` });
    await logging.forceFlush();
    const src = records('node-1');
    assert.deepEqual(
      src.map((r) => [r.body, r.severity, r.component]),
      [
        ['migration of vm-7 to node-2 started', SeverityNumber.INFO, 'migration'],
        ['transfer attempt 1 to node-2 timed out, retrying', SeverityNumber.WARN, 'transport'],
        ['transfer attempt 2 to node-2 timed out, retrying', SeverityNumber.WARN, 'transport'],
        ['migration of vm-7 to node-2 failed', SeverityNumber.ERROR, 'migration'],
      ],
    );
    assert.ok(
      src.every(
        (r) => r.traceId === TRACE && r.spanId === SPAN && r.node === 'node-1' && r.region === 'us-east',
      ),
    );
    assert.equal(src[0]!.timeMs, T0);
    assert.equal(src[3]!.timeMs, T0 + 60_000);
    assert.ok(src[1]!.timeMs > T0 && src[1]!.timeMs < src[2]!.timeMs);
    assert.deepEqual(
      records('node-2').map((r) => [r.body, r.severity, r.region]),
      [
        ['receiving vm-7 from node-1', SeverityNumber.INFO, 'eu-west'],
        ['state sync of vm-7 failed', SeverityNumber.ERROR, 'eu-west'],
      ],
    );
    await logging.shutdown(() => assert.fail('no warning expected'));
  });

  it('logs mode switches; without a carrier lines have no trace ids', async () => {
    const { logging, records } = setup();
    logging.modeSwitch('node-2', 'datacenter', 'internet', T0 + 5000);
    logging.migration({ ...migration, ok: true, retries: 0 }, undefined);
    await logging.forceFlush();
    assert.deepEqual(
      records('node-2')
        .map((r) => [r.body, r.component, r.timeMs])
        .slice(0, 1),
      [['network mode switched from datacenter to internet', 'mode', T0 + 5000]],
    );
    assert.deepEqual(
      records('node-1').map((r) => [r.body, r.traceId]),
      [
        ['migration of vm-7 to node-2 started', undefined],
        ['migration of vm-7 to node-2 completed', undefined],
      ],
    );
  });

  it('reads trace ids from a W3C traceparent only', () => {
    assert.deepEqual(traceFields({ traceparent: `00-${TRACE}-${SPAN}-01` }), {
      trace_id: TRACE,
      span_id: SPAN,
    });
    assert.deepEqual(traceFields({ traceparent: 'garbage' }), {});
    assert.deepEqual(traceFields(undefined), {});
  });
});
