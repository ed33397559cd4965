import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareProfiles } from '../../../src/profiles/compare.ts';
import { buildFlameGraph, type FlameNode } from '../../../src/profiles/flamegraph.ts';
import type { ProfileView } from '../../../src/profiles/pprof-read.ts';

/** A CPU-like view from stacks given as 'a;b;c' → value. */
function view(stacks: Record<string, number>, types = [{ type: 'cpu', unit: 'nanoseconds' }]): ProfileView {
  const frames: { name: string; file: string; line: number }[] = [];
  const idx = new Map<string, number>();
  const at = (n: string): number => {
    if (!idx.has(n)) {
      idx.set(n, frames.length);
      frames.push({ name: n, file: 'app.js', line: 1 });
    }
    return idx.get(n)!;
  };
  return {
    sampleTypes: types,
    defaultIndex: 0,
    frames,
    samples: Object.entries(stacks).map(([s, v]) => ({ stack: s.split(';').map(at), values: [v] })),
    startedAtMs: 0,
    durationMs: 0,
  };
}

const count = (n: FlameNode): number => 1 + n.children.reduce((a, c) => a + count(c), 0);

describe('flame graph', () => {
  it('merges stacks by function with totals and self values', () => {
    const fg = buildFlameGraph(view({ 'main;a;b': 30, 'main;a': 10, 'main;c': 60 }));
    assert.equal(fg.total, 100);
    assert.equal(fg.root.total, 100);
    const main = fg.root.children[0]!;
    assert.equal(main.name, 'main');
    assert.deepEqual(
      main.children.map((c) => [c.name, c.total, c.self]),
      [
        ['c', 60, 60],
        ['a', 40, 10],
      ],
    );
    assert.equal(main.children[1]!.children[0]!.total, 30);
    assert.equal(fg.truncated, false);
  });

  it('folds small nodes into (other) and keeps the node limit', () => {
    const stacks: Record<string, number> = { 'main;big': 10_000 };
    for (let i = 0; i < 300; i++) stacks[`main;f${i}`] = 1;
    const fg = buildFlameGraph(view(stacks), { minFraction: 0, maxNodes: 50 });
    assert.ok(fg.nodes <= 50, `${fg.nodes} nodes`);
    assert.equal(count(fg.root), fg.nodes);
    assert.equal(fg.truncated, true);
    const main = fg.root.children[0]!;
    const other = main.children.find((c) => c.name === '(other)');
    assert.ok(other, 'small functions are folded');
    assert.equal(
      main.children.reduce((a, c) => a + c.total, 0),
      10_300,
      'folding keeps the total',
    );
  });

  it('cuts deep stacks at maxDepth', () => {
    const deep = Array.from({ length: 40 }, (_, i) => `f${i}`).join(';');
    const fg = buildFlameGraph(view({ [deep]: 5 }), { maxDepth: 10 });
    let d = 0;
    for (let n = fg.root; n.children.length > 0; n = n.children[0]!) d++;
    assert.equal(d, 10);
    assert.equal(fg.truncated, true);
    assert.throws(() => buildFlameGraph(view({ a: 1 }), { maxNodes: 0 }), /maxNodes/);
  });
});

describe('profile comparison', () => {
  it('ranks functions by gained and lost share of the profile', () => {
    const base = view({ 'main;parse': 50, 'main;render': 50 });
    const target = view({ 'main;parse': 20, 'main;render': 40, 'main;compress': 140 }); // total 200
    const c = compareProfiles(base, target, 10);
    assert.equal(c.baseTotal, 100);
    assert.equal(c.targetTotal, 200);
    assert.deepEqual(
      c.gained.map((d) => d.name),
      ['compress'],
    );
    assert.equal(c.gained[0]!.targetSelfShare, 0.7);
    assert.equal(c.gained[0]!.baseSelfShare, 0);
    assert.deepEqual(
      c.lost.map((d) => [d.name, d.selfShareDelta]),
      [
        ['parse', 0.1 - 0.5],
        ['render', 0.2 - 0.5],
      ],
    );
    const mainRow = [...c.gained, ...c.lost].find((d) => d.name === 'main');
    assert.equal(
      mainRow,
      undefined,
      'main has no self time in either profile and its total share is unchanged',
    );
    assert.equal(c.functions, 4);
  });

  it('counts recursive functions once per sample in their total', () => {
    const c = compareProfiles(view({ 'a;a;a': 10 }), view({ b: 10 }));
    assert.equal(c.lost[0]!.baseTotalShare, 1);
  });

  it('refuses profiles of different kinds and a bad top', () => {
    const heap = view({ a: 1 }, [{ type: 'inuse_space', unit: 'bytes' }]);
    assert.throws(() => compareProfiles(view({ a: 1 }), heap), /no sample type cpu\/nanoseconds/);
    assert.throws(() => compareProfiles(view({ a: 1 }), view({ a: 1 }), 0), /top/);
  });
});
