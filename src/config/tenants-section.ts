/**
 * The `tenants` section of the monitor's configuration: which nodes each tenant owns (docs/security.md, "Tenant
 * isolation"). Part of the schema in src/config.ts.
 *
 * ```yaml
 * tenants:
 *   acme:
 *     nodes: [node-1, node-2]   # node_id values
 *     regions: [eu-west]        # every node whose region label is eu-west
 * ```
 * The operator tenant (`dashboards.tenant`, default `default`) reads every node and takes no mapping; a tenant
 * without a mapping reads no node data at all.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import type { TenantNodeMapping } from '../model/tenant-scope.ts';

/** Tenants mapped at most, and node ids / regions per tenant at most. */
export const TENANTS_MAX = 10_000;
export const TENANT_NODES_MAX = 10_000;

const TENANT_NAME = /^[A-Za-z0-9._@-]{1,64}$/;
const nodeValue = z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters');

/** One tenant's nodes (`node_id` values) and regions (`region` values); at least one of the two lists is non-empty. */
const tenantNodesSchema = z
  .strictObject({
    nodes: z.array(nodeValue).max(TENANT_NODES_MAX).default([]),
    regions: z.array(nodeValue).max(TENANT_NODES_MAX).default([]),
  })
  .refine((t) => t.nodes.length + t.regions.length > 0, {
    message: 'give at least one node id in `nodes` or one region in `regions`',
  });

/** `tenants`: tenant name → its nodes and regions (default: no tenant mapped). */
export const tenantsSectionSchema = z
  .record(z.string(), tenantNodesSchema)
  .superRefine((r, ctx) => {
    const names = Object.keys(r);
    if (names.length > TENANTS_MAX)
      ctx.addIssue({ code: 'custom', message: `at most ${TENANTS_MAX} tenants` });
    for (const name of names) {
      if (!TENANT_NAME.test(name))
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'tenant names are 1-64 letters, digits, ".", "_", "-" or "@"',
        });
    }
  })
  .default({});

export type TenantsSection = z.infer<typeof tenantsSectionSchema>;

/**
 * The mapping the server enforces, from the parsed section and the operator tenant.
 * @throws ConfigError when the operator tenant is mapped (it reads every node; a mapping would suggest otherwise)
 */
export function tenantMapping(section: TenantsSection, operatorTenant: string): TenantNodeMapping {
  if (Object.hasOwn(section, operatorTenant)) {
    throw new ConfigError(
      `invalid monitor configuration:\n  tenants.${operatorTenant}: the operator tenant (dashboards.tenant) reads every node; remove its mapping`,
    );
  }
  return {
    operatorTenant,
    tenants: new Map(
      Object.entries(section).map(([name, t]) => [name, { nodes: t.nodes, regions: t.regions }]),
    ),
  };
}
