import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import {
  AGGREGATION_CHOICES,
  AggregationControls,
  aggregationOr,
} from '../../../../web/src/components/AggregationControls.tsx';

const render = (props: Partial<Parameters<typeof AggregationControls>[0]> = {}) =>
  renderToStaticMarkup(
    createElement(AggregationControls, {
      agg: 'avg',
      by: '',
      onAggChange: () => undefined,
      onByChange: () => undefined,
      ...props,
    }),
  );

describe('AggregationControls', () => {
  it('offers every aggregation under the label "Aggregation" with the given one selected', () => {
    const html = render({ agg: 'p95' });
    assert.match(html, /<label>Aggregation<select>/);
    const opts = [...html.matchAll(/<option value="([^"]*)"( selected="")?>/g)].map((m) => ({
      value: m[1],
      selected: m[2] !== undefined,
    }));
    assert.deepEqual(
      opts.map((o) => o.value),
      ['avg', 'sum', 'min', 'max', 'p50', 'p95', 'p99', 'rate'],
    );
    assert.deepEqual(
      opts.filter((o) => o.selected).map((o) => o.value),
      ['p95'],
    );
  });

  it('shows the grouping under "Group by labels", escaped, with the caller’s example', () => {
    const html = render({ by: '"><b>node', byPlaceholder: 'e.g. node,component' });
    assert.match(
      html,
      /<label>Group by labels<input placeholder="e.g. node,component" value="&quot;&gt;&lt;b&gt;node"\/><\/label>/,
    );
    assert.match(render(), /placeholder="e.g. region,node_id"/);
  });

  it('reads an aggregation from URL text, falling back for anything else', () => {
    for (const a of AGGREGATION_CHOICES) assert.equal(aggregationOr(a, 'avg'), a);
    assert.equal(aggregationOr(null, 'sum'), 'sum');
    assert.equal(aggregationOr('median', 'avg'), 'avg');
    assert.equal(aggregationOr('P95', 'avg'), 'avg');
  });
});
