import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { Profile } from 'pprof-format';
import { InvalidInputError, PayloadTooLargeError } from '../../../src/errors.ts';
import { cpuProfileToPprof, heapProfileToPprof } from '../../../src/profiles/pprof-convert.ts';
import { MAX_PPROF_BYTES, readPprof, sampleTypeIndex } from '../../../src/profiles/pprof-read.ts';
import type { V8CallFrame, V8CpuProfile, V8HeapProfile } from '../../../src/profiles/v8-profile.ts';

const frame = (functionName: string, lineNumber = 0, url = 'file:///app.js'): V8CallFrame => ({
  functionName,
  scriptId: '1',
  url,
  lineNumber,
  columnNumber: 0,
});

/** (root) → main → {hot (3 hits), cold (1 hit)}, main itself 1 hit, plus (idle) 2 hits. */
const CPU: V8CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', -1, ''), children: [2, 5] },
    { id: 2, callFrame: frame('main', 0), children: [3, 4] },
    { id: 3, callFrame: frame('hot', 10) },
    { id: 4, callFrame: frame('', 20) },
    { id: 5, callFrame: frame('(idle)', -1, '') },
  ],
  startTime: 1_000_000,
  endTime: 1_007_000,
  samples: [3, 3, 2, 4, 3, 5, 5],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000],
};

describe('V8 CPU profile to pprof', () => {
  it('encodes hits and CPU time per stack, leaf first, readable with pprof-format', () => {
    const p = cpuProfileToPprof(CPU, 1000, { startedAtMs: 1_700_000_000_000, comments: ['test'] });
    const decoded = Profile.decode(p.encode());
    const str = (i: number | bigint) => decoded.stringTable.strings[Number(i)];
    assert.deepEqual(
      decoded.sampleType.map((t) => `${str(t.type)}/${str(t.unit)}`),
      ['samples/count', 'cpu/nanoseconds'],
    );
    assert.equal(str(decoded.periodType!.type), 'cpu');
    assert.equal(Number(decoded.period), 1_000_000);
    assert.equal(Number(decoded.durationNanos), 7_000_000);
    assert.equal(Number(decoded.timeNanos), 1_700_000_000_000 * 1e6);
    assert.equal(str(decoded.comment[0]!), 'test');
    const byLeaf = new Map<string, number[]>();
    for (const s of decoded.sample) {
      const fn = decoded.function.find(
        (f) =>
          Number(f.id) ===
          Number(decoded.location.find((l) => Number(l.id) === Number(s.locationId[0]))!.line[0]!.functionId),
      )!;
      byLeaf.set(str(fn.name)!, s.value.map(Number));
    }
    assert.deepEqual(byLeaf.get('hot'), [3, 3_000_000]);
    assert.deepEqual(byLeaf.get('main'), [1, 1_000_000]);
    assert.deepEqual(byLeaf.get('(anonymous)'), [1, 1_000_000], 'empty names become (anonymous)');
    assert.deepEqual(byLeaf.get('(idle)'), [2, 2_000_000]);
    assert.equal(decoded.sample.length, 4);
  });

  it('reads back stacks root first with readPprof (plain and gzip)', () => {
    const bytes = cpuProfileToPprof(CPU, 1000, { startedAtMs: 0 }).encode();
    for (const input of [bytes, gzipSync(bytes)]) {
      const v = readPprof(input);
      const hot = v.samples.find((s) => v.frames[s.stack.at(-1)!]!.name === 'hot')!;
      assert.deepEqual(
        hot.stack.map((i) => v.frames[i]!.name),
        ['main', 'hot'],
      );
      assert.equal(v.frames[hot.stack[1]!]!.line, 11, 'V8 lines are 0-based, pprof lines 1-based');
      assert.equal(sampleTypeIndex(v, undefined), 1, 'default sample type is cpu');
    }
  });

  it('falls back to hitCount without samples and rejects broken trees', () => {
    const nodes = CPU.nodes.map((n) => (n.id === 3 ? { ...n, hitCount: 5 } : n));
    const v = readPprof(cpuProfileToPprof({ ...CPU, nodes, samples: [] }, 500, { startedAtMs: 0 }).encode());
    assert.deepEqual(
      v.samples.map((s) => s.values),
      [[5, 2_500_000]],
    );
    assert.throws(
      () => cpuProfileToPprof({ ...CPU, nodes: [...CPU.nodes, CPU.nodes[0]!] }, 1000, { startedAtMs: 0 }),
      /repeated/,
    );
    assert.throws(
      () =>
        cpuProfileToPprof({ ...CPU, nodes: [{ ...CPU.nodes[0]!, children: [99] }] }, 1000, {
          startedAtMs: 0,
        }),
      /unknown child 99/,
    );
    assert.throws(() => cpuProfileToPprof(CPU, 0, { startedAtMs: 0 }), InvalidInputError);
  });
});

describe('V8 heap profile to pprof', () => {
  const HEAP: V8HeapProfile = {
    head: {
      id: 1,
      callFrame: frame('(root)', -1, ''),
      selfSize: 0,
      children: [
        {
          id: 2,
          callFrame: frame('alloc', 4),
          selfSize: 4096,
          children: [{ id: 3, callFrame: frame('inner', 8), selfSize: 1024, children: [] }],
        },
        { id: 4, callFrame: frame('idle', 9), selfSize: 0, children: [] },
      ],
    },
    samples: [
      { size: 2048, nodeId: 2, ordinal: 1 },
      { size: 2048, nodeId: 2, ordinal: 2 },
      { size: 1024, nodeId: 3, ordinal: 3 },
    ],
  };

  it('encodes in-use space and Poisson-scaled object counts per stack', () => {
    const v = readPprof(heapProfileToPprof(HEAP, 512 * 1024, { startedAtMs: 0 }).encode());
    assert.deepEqual(
      v.sampleTypes.map((t) => t.type),
      ['inuse_objects', 'inuse_space'],
    );
    assert.equal(v.samples.length, 2, 'nodes with no live bytes produce no sample');
    const alloc = v.samples.find((s) => s.stack.length === 1)!;
    const inner = v.samples.find((s) => s.stack.length === 2)!;
    assert.equal(alloc.values[1], 4096);
    assert.equal(inner.values[1], 1024);
    // Each 2 KiB sample at a 512 KiB interval stands for 1/(1-e^(-2048/524288)) ≈ 256.5 objects.
    assert.equal(alloc.values[0], Math.round(2 / (1 - Math.exp(-2048 / 524288))));
    assert.deepEqual(
      inner.stack.map((i) => v.frames[i]!.name),
      ['alloc', 'inner'],
    );
  });
});

describe('readPprof input checks', () => {
  it('rejects bytes that are not a profile, corrupt gzip, and oversize input', () => {
    assert.throws(() => readPprof(new Uint8Array([0xff, 0xff, 0xff])), InvalidInputError);
    assert.throws(() => readPprof(new Uint8Array([0x1f, 0x8b, 0x00, 0x01])), /gzip/);
    assert.throws(() => readPprof(new Uint8Array(MAX_PPROF_BYTES + 1)), PayloadTooLargeError);
    assert.throws(() => readPprof(new Profile().encode()), /no sample types/);
  });

  it('names the sample types when asked for a missing one', () => {
    const v = readPprof(gunzipSync(gzipSync(cpuProfileToPprof(CPU, 1000, { startedAtMs: 0 }).encode())));
    assert.throws(() => sampleTypeIndex(v, 'inuse_space'), /it has samples, cpu/);
  });
});
