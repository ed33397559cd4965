/** The `tenants` configuration section (src/config/tenants-section.ts): valid mappings and clear errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMonitorConfig } from '../../../src/config.ts';
import { tenantMapping } from '../../../src/config/tenants-section.ts';
import { ConfigError } from '../../../src/errors.ts';

describe('tenants section', () => {
  it('defaults to no tenant mapped and maps nodes and regions per tenant', () => {
    assert.deepEqual(parseMonitorConfig({}).tenants, {});
    const c = parseMonitorConfig({
      tenants: { acme: { nodes: ['node-1'] }, beta: { regions: ['eu-west'] } },
    });
    const m = tenantMapping(c.tenants, c.dashboards.tenant);
    assert.equal(m.operatorTenant, 'default');
    assert.deepEqual(m.tenants.get('acme'), { nodes: ['node-1'], regions: [] });
    assert.deepEqual(m.tenants.get('beta'), { nodes: [], regions: ['eu-west'] });
  });

  it('refuses empty mappings, bad names, unknown keys and a mapping of the operator tenant, naming the path', () => {
    const err = (raw: unknown): string => {
      try {
        parseMonitorConfig(raw);
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        return e.message;
      }
      throw new Error('accepted');
    };
    assert.match(err({ tenants: { acme: {} } }), /tenants\.acme: give at least one node id/);
    assert.match(err({ tenants: { 'a b': { nodes: ['n'] } } }), /tenants.*tenant names are 1-64/);
    assert.match(err({ tenants: { acme: { nodes: [''] } } }), /tenants\.acme\.nodes\.0: must not be empty/);
    assert.match(err({ tenants: { acme: { nodes: ['n'], hosts: [] } } }), /tenants\.acme/);
    assert.match(
      err({ tenants: { default: { nodes: ['n'] } } }),
      /tenants\.default: the operator tenant .* reads every node/,
    );
    assert.match(
      err({ dashboards: { tenant: 'ops' }, tenants: { ops: { regions: ['eu'] } } }),
      /tenants\.ops: the operator tenant/,
    );
  });
});
