/**
 * Head samplers of the nodes' tracers: the OTEL_TRACES_SAMPLER names map to the SDK samplers; ratio samplers
 * keep their share of migrations (within binomial bounds), and parent-based ones keep whole traces across the
 * two nodes of a migration.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { InvalidInputError } from '../../../src/errors.ts';
import { createHeadSampler, HEAD_SAMPLERS, type HeadSamplerName } from '../../../src/sdk/head-sampler.ts';
import { NodeTracing, type MigrationTraceInput } from '../../../src/sdk/migration-tracing.ts';

const T0 = Date.UTC(2026, 0, 1);
const mig = (i: number): MigrationTraceInput => ({
  vmId: `vm-${i}`,
  vmSize: 'small',
  sourceNode: 'a',
  destinationNode: 'b',
  mode: 'internet',
  version: 'v1',
  startMs: T0 + i * 1000,
  durationMs: 5000,
  bytes: 1000,
  ok: true,
  retries: 0,
});

/** Runs `n` migrations from a node with `source` sampler to one with `dest`; spans per trace id on each node. */
async function run(
  n: number,
  source: HeadSamplerName,
  dest: HeadSamplerName,
  ratio: number,
): Promise<{ src: Map<string, number>; dst: Map<string, number> }> {
  const e1 = new InMemorySpanExporter();
  const e2 = new InMemorySpanExporter();
  const a = new NodeTracing({
    nodeId: 'a',
    region: 'r1',
    exporter: e1,
    simple: true,
    sampler: source,
    sampleRatio: ratio,
  });
  const b = new NodeTracing({
    nodeId: 'b',
    region: 'r2',
    exporter: e2,
    simple: true,
    sampler: dest,
    sampleRatio: ratio,
  });
  for (let i = 0; i < n; i++) b.traceDestination(a.traceSource(mig(i)), mig(i));
  const count = (e: InMemorySpanExporter): Map<string, number> => {
    const m = new Map<string, number>();
    for (const s of e.getFinishedSpans())
      m.set(s.spanContext().traceId, (m.get(s.spanContext().traceId) ?? 0) + 1);
    return m;
  };
  const out = { src: count(e1), dst: count(e2) };
  await a.shutdown();
  await b.shutdown();
  return out;
}

describe('head samplers', () => {
  it('parentbased_traceidratio keeps about the ratio of migrations, each as a whole trace on both nodes', async () => {
    const n = 2000;
    const { src, dst } = await run(n, 'parentbased_traceidratio', 'parentbased_traceidratio', 0.25);
    const share = src.size / n;
    const sigma = Math.sqrt((0.25 * 0.75) / n);
    assert.ok(Math.abs(share - 0.25) < 4 * sigma, `kept share ${share}`);
    assert.deepEqual(
      [...dst.keys()].sort(),
      [...src.keys()].sort(),
      'the destination keeps exactly the source’s traces',
    );
    for (const [id, c] of src) assert.equal(c + dst.get(id)!, 8, `trace ${id} is complete`);
  });

  it('parent-based samplers follow the caller; plain ones decide on their own', async () => {
    const followed = await run(50, 'always_on', 'parentbased_always_off', 1);
    assert.equal(followed.src.size, 50);
    assert.equal(followed.dst.size, 50, 'parentbased_always_off still records a sampled parent’s children');
    const own = await run(50, 'always_on', 'always_off', 1);
    assert.equal(own.dst.size, 0, 'always_off ignores the parent');
    const none = await run(50, 'parentbased_always_off', 'parentbased_always_on', 1);
    assert.equal(none.src.size + none.dst.size, 0, 'an unsampled root is not recorded downstream either');
  });

  it('every OTEL_TRACES_SAMPLER name builds a sampler; bad names and ratios are refused', () => {
    for (const name of HEAD_SAMPLERS)
      assert.equal(typeof createHeadSampler(name, 0.5).shouldSample, 'function', name);
    assert.throws(() => createHeadSampler('sometimes' as HeadSamplerName, 0.5), InvalidInputError);
    assert.throws(() => createHeadSampler('traceidratio', 1.5), InvalidInputError);
    assert.throws(() => createHeadSampler('traceidratio', Number.NaN), InvalidInputError);
  });
});
