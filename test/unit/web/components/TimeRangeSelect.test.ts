import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { FIXED_RANGE, TimeRangeSelect } from '../../../../web/src/components/TimeRangeSelect.tsx';

/** The `<option>`s of rendered markup as value, text and whether selected. */
function options(html: string): { value: string; text: string; selected: boolean }[] {
  return [...html.matchAll(/<option value="([^"]*)"( selected="")?>([^<]*)<\/option>/g)].map((m) => ({
    value: m[1]!,
    selected: m[2] !== undefined,
    text: m[3]!,
  }));
}

describe('TimeRangeSelect', () => {
  it('offers the relative ranges and selects the given one', () => {
    const html = renderToStaticMarkup(
      createElement(TimeRangeSelect, { value: '15m', onChange: () => undefined }),
    );
    assert.match(html, /aria-label="Time range"/);
    const opts = options(html);
    assert.deepEqual(
      opts.map((o) => o.value),
      ['5m', '15m', '1h', '6h', '24h', '7d'],
    );
    assert.equal(opts.find((o) => o.selected)?.value, '15m');
    assert.equal(opts[2]!.text, 'Last 1h');
  });

  it('shows a fixed window as the selected first option', () => {
    const html = renderToStaticMarkup(
      createElement(TimeRangeSelect, { value: '1h', fixedLabel: 'linked window', onChange: () => undefined }),
    );
    const opts = options(html);
    assert.deepEqual(opts[0], { value: FIXED_RANGE, text: 'linked window', selected: true });
    assert.equal(opts.filter((o) => o.selected).length, 1);
    assert.equal(opts.length, 7);
  });

  it('escapes the fixed label', () => {
    const html = renderToStaticMarkup(
      createElement(TimeRangeSelect, { value: '1h', fixedLabel: '<b>now-2d</b>', onChange: () => undefined }),
    );
    assert.doesNotMatch(html, /<b>/);
    assert.match(html, /&lt;b&gt;now-2d/);
  });
});
