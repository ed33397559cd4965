import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calculateSkew, stitchTrace, type StitchInput } from '../../../src/traces/stitch.ts';

const span = (
  spanId: string,
  parentSpanId: string | null,
  startUs: number,
  durationUs: number,
  host: string,
): StitchInput => ({ spanId, parentSpanId, startUs, durationUs, host });

describe('stitchTrace', () => {
  it('builds the tree, earliest children first, with depths', () => {
    const r = stitchTrace([
      span('c2', 'r', 50, 10, 'a'),
      span('r', null, 0, 100, 'a'),
      span('c1', 'r', 10, 10, 'a'),
      span('g', 'c1', 12, 2, 'a'),
    ]);
    assert.deepEqual(r.roots, [1]);
    assert.deepEqual(r.children[1], [2, 0]);
    assert.deepEqual(r.depth, [1, 0, 1, 2]);
    assert.deepEqual(r.orphans, []);
    assert.deepEqual(r.adjustments, []);
  });

  it("centres a child from a host with a skewed clock in its parent and shifts that host's descendants alike", () => {
    // Destination host clock runs 1 s ahead: its server span (80 µs) would start after the 100 µs client span ends.
    const r = stitchTrace([
      span('client', null, 1000, 100, 'src'),
      span('server', 'client', 1_001_010, 80, 'dst'),
      span('sync', 'server', 1_001_020, 10, 'dst'),
    ]);
    const delta = 1000 + 10 - 1_001_010;
    assert.equal(r.adjustedStartUs[1], 1010, 'centred: (100 - 80) / 2 = 10 µs after the client start');
    assert.equal(r.adjustedStartUs[2], 1_001_020 + delta);
    assert.deepEqual(
      r.adjustments.map((a) => a.spanId),
      ['server', 'sync'],
    );
  });

  it('leaves a cross-host child that already fits, and only moves a longer (async) child to not start before its parent', () => {
    assert.equal(calculateSkew(1010, 50, 1000, 100), 0);
    assert.equal(calculateSkew(900, 500, 1000, 100), 100);
    assert.equal(calculateSkew(1200, 500, 1000, 100), 0);
  });

  it('reports orphans (parent absent), duplicates and parent cycles without losing spans', () => {
    const r = stitchTrace([
      span('a', 'missing', 0, 10, 'h'),
      span('b', null, 5, 10, 'h'),
      span('b', null, 6, 1, 'h'),
      span('x', 'y', 1, 1, 'h'),
      span('y', 'x', 2, 1, 'h'),
    ]);
    assert.deepEqual(r.duplicates, [2]);
    assert.deepEqual([...r.orphans].sort(), [0, 3]);
    assert.equal(
      r.depth.filter((d) => d >= 0).length,
      4,
      'every span but the duplicate is placed in the tree',
    );
  });
});
