/** Tenant scopes (src/model/tenant-scope.ts): the operator reads all, unmapped tenants nothing; scoped series lookups. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allowsLabels,
  allowsNode,
  findInScope,
  scopeForTenant,
  type TenantNodeMapping,
} from '../../../src/model/tenant-scope.ts';

const mapping: TenantNodeMapping = {
  operatorTenant: 'default',
  tenants: new Map([['acme', { nodes: ['n1', 'n2'], regions: ['eu'] }]]),
};

describe('tenant scope', () => {
  it('the operator tenant reads every node, cluster-wide data included; a mapped tenant its nodes and regions; an unmapped one nothing', () => {
    const op = scopeForTenant(mapping, 'default');
    assert.ok(allowsLabels(op, {}) && allowsLabels(op, { node_id: 'zz' }));
    const acme = scopeForTenant(mapping, 'acme');
    assert.ok(allowsLabels(acme, { node_id: 'n1' }));
    assert.ok(allowsLabels(acme, { node_id: 'n9', region: 'eu' }));
    assert.ok(!allowsLabels(acme, { node_id: 'n9', region: 'us' }));
    assert.ok(!allowsLabels(acme, {}), 'data of no node is cluster-wide');
    assert.ok(!allowsNode(acme, null, null));
    const other = scopeForTenant(mapping, 'other');
    assert.ok(!allowsLabels(other, { node_id: 'n1', region: 'eu' }));
  });

  it('findInScope adds one node (then region) matcher per lookup, keeps a series once, honours the limit and a conflicting match', async () => {
    const series = [
      { key: 'a', labels: { node_id: 'n1', region: 'eu' } },
      { key: 'b', labels: { node_id: 'n2', region: 'us' } },
      { key: 'c', labels: { node_id: 'n3', region: 'eu' } },
      { key: 'd', labels: { node_id: 'n4', region: 'ap' } },
    ];
    const calls: Record<string, string>[] = [];
    const find = async (m: Readonly<Record<string, string>>, limit: number) => {
      calls.push({ ...m });
      return series
        .filter((s) => Object.entries(m).every(([k, v]) => (s.labels as Record<string, string>)[k] === v))
        .slice(0, limit);
    };
    const acme = scopeForTenant(mapping, 'acme');
    assert.deepEqual(
      (await findInScope(acme, {}, 10, find)).map((s) => s.key),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(calls, [{ node_id: 'n1' }, { node_id: 'n2' }, { region: 'eu' }]);
    assert.deepEqual(
      (await findInScope(acme, {}, 2, find)).map((s) => s.key),
      ['a', 'b'],
    );
    assert.deepEqual(
      (await findInScope(acme, { node_id: 'n4' }, 10, find)).map((s) => s.key),
      [],
      'another node named in the match',
    );
    assert.deepEqual((await findInScope(scopeForTenant(mapping, 'other'), {}, 10, find)).length, 0);
    assert.equal((await findInScope(scopeForTenant(mapping, 'default'), {}, 10, find)).length, 4);
  });
});
