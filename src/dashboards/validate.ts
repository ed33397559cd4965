/**
 * Validation of a dashboard spec from a request body or an import: the contract's zod schema, with every
 * problem reported at its path (`widgets[3].queries[0].metric: is not a metric of the catalog`).
 */
import type { z } from 'zod';
import { DashboardSpecSchema, WIDGET_TYPES, type DashboardSpec } from '../contract/dashboard-spec.ts';
import { InvalidInputError } from '../errors.ts';

/** Problems listed in one error message at most. */
const MAX_PROBLEMS = 5;

/** `widgets[3].queries[0].metric` for the path `['widgets', 3, 'queries', 0, 'metric']`; `(root)` for []. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out === '' ? '' : '.'}${String(p)}`;
  return out === '' ? '(root)' : out;
}

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  const where = formatPath(issue.path);
  if (
    issue.code === 'invalid_union' &&
    'discriminator' in issue &&
    issue.discriminator === 'type' &&
    issue.path.at(-1) === 'type'
  ) {
    const got = valueAt(input, issue.path);
    return `${where}: unknown widget type ${JSON.stringify(got)}; expected one of ${WIDGET_TYPES.join(', ')}`;
  }
  return `${where}: ${issue.message}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/**
 * Parses and validates a dashboard spec (defaults filled in).
 * @throws InvalidInputError naming the path of each problem (at most five, then how many more)
 */
export function parseDashboardSpec(raw: unknown): DashboardSpec {
  const r = DashboardSpecSchema.safeParse(raw);
  if (r.success) return r.data;
  const issues = r.error.issues;
  const shown = issues.slice(0, MAX_PROBLEMS).map((i) => describe(i, raw));
  const more = issues.length > MAX_PROBLEMS ? `; and ${issues.length - MAX_PROBLEMS} more` : '';
  throw new InvalidInputError(`invalid dashboard: ${shown.join('; ')}${more}`);
}
