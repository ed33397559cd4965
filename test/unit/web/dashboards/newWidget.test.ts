import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DashboardSpecSchema, WIDGET_TYPES, type Widget } from '../../../../src/contract/dashboard-spec.ts';
import { buildWidget, widgetId } from '../../../../web/src/dashboards/newWidget.ts';

describe('new widgets of the dashboard editor', () => {
  it('builds every one of the twelve widget types as a widget the dashboard spec accepts', () => {
    const widgets: Widget[] = [];
    for (const type of WIDGET_TYPES)
      widgets.push(
        buildWidget(
          { type, title: `A ${type}`, metric: 'dwcp_amst_streams_active', agg: 'max', by: 'node, region' },
          widgets,
        ),
      );
    const parsed = DashboardSpecSchema.safeParse({ title: 'All types', widgets });
    assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
    assert.deepEqual(
      parsed.data.widgets,
      widgets,
      'the built widgets are already in the parsed (defaulted) form',
    );
    const line = widgets.find((w) => w.type === 'line');
    assert.deepEqual(line && 'queries' in line ? line.queries[0] : undefined, {
      kind: 'metric',
      refId: 'A',
      metric: 'dwcp_amst_streams_active',
      match: {},
      agg: 'max',
      by: ['node', 'region'],
    });
  });

  it('places a new widget below the others, and gives it an id unique on the dashboard', () => {
    const first = buildWidget(
      { type: 'stat', title: 'Streams', metric: 'dwcp_amst_streams_active', agg: 'avg', by: '' },
      [],
    );
    const second = buildWidget(
      { type: 'stat', title: 'Streams', metric: 'dwcp_amst_streams_active', agg: 'avg', by: '' },
      [first],
    );
    assert.equal(first.id, 'streams');
    assert.equal(second.id, 'streams-2');
    assert.deepEqual(second.gridPos, { x: 0, y: first.gridPos.y + first.gridPos.h, w: 12, h: 8 });
    assert.equal(widgetId('¡¿!', new Set()), 'widget');
    assert.equal(widgetId('x'.repeat(100), new Set()).length, 56);
  });
});
