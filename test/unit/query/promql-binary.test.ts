import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PromQueryError } from '../../../src/query/promql/errors.ts';
import { at, counter, vec } from '../../helpers/promql.ts';

const g = (labels: Record<string, string>, v: number) => counter(labels, [[100, v]]);

/** Errors (node n1 and n2: 4 and 1), requests (n1, n2: 8 and 4; n3 only has requests). */
const S = [
  g({ __name__: 'err', node: 'n1', region: 'eu' }, 4),
  g({ __name__: 'err', node: 'n2', region: 'eu' }, 1),
  g({ __name__: 'req', node: 'n1', region: 'eu' }, 8),
  g({ __name__: 'req', node: 'n2', region: 'eu' }, 4),
  g({ __name__: 'req', node: 'n3', region: 'us' }, 2),
  g({ __name__: 'mode', node: 'n1', region: 'eu', mode: 'dc' }, 1),
  g({ __name__: 'mode', node: 'n2', region: 'eu', mode: 'inet' }, 0),
  g({ __name__: 'cap', region: 'eu' }, 10),
];

async function fails(query: string, message: RegExp): Promise<void> {
  await assert.rejects(
    () => at(query, S, 100),
    (e: unknown) => e instanceof PromQueryError && e.errorType === 'execution' && message.test(e.message),
  );
}

describe('PromQL binary operators between vectors', () => {
  it('one-to-one arithmetic matches all labels but the name, and drops the name', async () => {
    // n1: 4 / 8, n2: 1 / 4; n3 has no err
    assert.deepEqual(vec(await at('err / req', S, 100)), [
      [{ node: 'n1', region: 'eu' }, 0.5],
      [{ node: 'n2', region: 'eu' }, 0.25],
    ]);
    // on (node): only node is kept
    assert.deepEqual(vec(await at('req - on (node) err', S, 100)), [
      [{ node: 'n1' }, 4],
      [{ node: 'n2' }, 3],
    ]);
    // ignoring (mode): mode dropped from the result
    assert.deepEqual(vec(await at('mode * ignoring (mode) req', S, 100)), [
      [{ node: 'n1', region: 'eu' }, 8],
      [{ node: 'n2', region: 'eu' }, 0],
    ]);
  });

  it('group_left matches many to one and copies the included labels from the one side', async () => {
    // req of eu nodes over the region's cap: 8 / 10, 4 / 10
    assert.deepEqual(vec(await at('req / on (region) group_left cap', S, 100)), [
      [{ node: 'n1', region: 'eu' }, 0.8],
      [{ node: 'n2', region: 'eu' }, 0.4],
    ]);
    // group_right: the right side is the many side; mode copied from the left (one) side: n1's dc
    assert.deepEqual(vec(await at('mode{mode="dc"} * on (region) group_right (mode) req', S, 100)), [
      [{ mode: 'dc', node: 'n1', region: 'eu' }, 8],
      [{ mode: 'dc', node: 'n2', region: 'eu' }, 4],
    ]);
  });

  it('refuses matches Prometheus refuses', async () => {
    await fails('req / on (region) cap', /many-to-one matching must be explicit/);
    await fails('req / on (region) group_right cap', /found duplicate series .* on the left-hand side/);
    await fails('cap + on (region) req', /found duplicate series/);
  });

  it('comparisons filter and keep the name, with bool give 0/1 without it', async () => {
    assert.deepEqual(vec(await at('req > 3', S, 100)), [
      [{ __name__: 'req', node: 'n1', region: 'eu' }, 8],
      [{ __name__: 'req', node: 'n2', region: 'eu' }, 4],
    ]);
    // a scalar on the left: the vector's value is kept
    assert.deepEqual(vec(await at('5 < req', S, 100)), [[{ __name__: 'req', node: 'n1', region: 'eu' }, 8]]);
    assert.deepEqual(vec(await at('req == bool 4', S, 100)), [
      [{ node: 'n1', region: 'eu' }, 0],
      [{ node: 'n2', region: 'eu' }, 1],
      [{ node: 'n3', region: 'us' }, 0],
    ]);
    // vector to vector: the left value where it holds
    assert.deepEqual(vec(await at('req >= ignoring (mode) (mode * 8)', S, 100)), [
      [{ __name__: 'req', node: 'n1', region: 'eu' }, 8],
      [{ __name__: 'req', node: 'n2', region: 'eu' }, 4],
    ]);
    assert.deepEqual(vec(await at('avg(mode == bool 1)', S, 100)), [[{}, 0.5]]);
    const s = await at('2 > bool 1', S, 100);
    assert.deepEqual(s, { resultType: 'scalar', result: [100, '1'] });
  });

  it('and, or, unless match on label sets without the name', async () => {
    assert.deepEqual(vec(await at('req and err', S, 100)), [
      [{ __name__: 'req', node: 'n1', region: 'eu' }, 8],
      [{ __name__: 'req', node: 'n2', region: 'eu' }, 4],
    ]);
    assert.deepEqual(vec(await at('req unless err', S, 100)), [
      [{ __name__: 'req', node: 'n3', region: 'us' }, 2],
    ]);
    assert.deepEqual(vec(await at('err > 2 or req', S, 100)), [
      [{ __name__: 'err', node: 'n1', region: 'eu' }, 4],
      [{ __name__: 'req', node: 'n2', region: 'eu' }, 4],
      [{ __name__: 'req', node: 'n3', region: 'us' }, 2],
    ]);
    // and on (region, node) with a comparison on the right, as the generated rules use it
    assert.deepEqual(vec(await at('req and on (region, node) mode{mode="dc"} == 1', S, 100)), [
      [{ __name__: 'req', node: 'n1', region: 'eu' }, 8],
    ]);
  });
});
