import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  CATALOG,
  findMetric,
  getMetric,
  isMetricName,
  requireMetric,
  type MetricName,
} from '../../../src/catalog/index.ts';
import { renderMetricsDoc } from '../../../src/catalog/docs.ts';
import { InvalidInputError } from '../../../src/errors.ts';

describe('metric names as a typed union', () => {
  it('getMetric keeps the literal name type and refuses names outside the catalog at compile time', () => {
    const def = getMetric('dwcp_v3_active_streams');
    const name: 'dwcp_v3_active_streams' = def.name;
    assert.equal(name, 'dwcp_v3_active_streams');
    // The next lines are type errors (checked by `npm run typecheck`, which fails on an unused @ts-expect-error);
    // at run time the lookup still throws.
    // @ts-expect-error 'dwcp_typo' is not a MetricName
    assert.throws(() => getMetric('dwcp_typo'), /not in the catalog/);
    // @ts-expect-error a plain string is not a MetricName
    const typo: MetricName = 'dwcp_amst_streams';
    assert.equal(isMetricName(typo), false);
  });

  it('narrows run-time strings with isMetricName and looks them up with findMetric / requireMetric', () => {
    const raw: string = 'dwcp_hde_compression_ratio';
    assert.ok(isMetricName(raw));
    if (isMetricName(raw)) assert.equal(getMetric(raw).type, 'histogram');
    assert.equal(findMetric('nope'), undefined);
    assert.throws(() => requireMetric('nope'), InvalidInputError);
    assert.equal(requireMetric('up').name, 'up');
  });

  it('every catalog name is unique and a MetricName', () => {
    const names = CATALOG.map((m) => m.name);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.ok(isMetricName(n), n);
  });
});

describe('docs/metrics.md', () => {
  it('is what `npm run docs:metrics` renders from the catalog', () => {
    assert.equal(readFileSync('docs/metrics.md', 'utf8'), renderMetricsDoc());
  });
});
