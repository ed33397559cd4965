/** Pieces of the Prometheus query API client (src/remote-store/prom-api.ts) that need no server. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreError } from '../../../src/errors.ts';
import { apiTime, parseSampleValue, selector } from '../../../src/remote-store/prom-api.ts';

describe('Prometheus query API client', () => {
  it("reads sample values in Go's spelling (+Inf, -Inf, NaN) and decimals; anything else is a StoreError", () => {
    assert.equal(parseSampleValue('+Inf'), Infinity);
    assert.equal(parseSampleValue('Inf'), Infinity);
    assert.equal(parseSampleValue('-Inf'), -Infinity);
    assert.ok(Number.isNaN(parseSampleValue('NaN')));
    assert.equal(parseSampleValue('1.5e-3'), 0.0015);
    assert.equal(parseSampleValue('-0'), -0);
    for (const bad of ['', 'abc', 'Infinity?', 1.5, null]) assert.throws(() => parseSampleValue(bad), StoreError, String(bad));
  });

  it('builds selectors with the name and every label, values escaped as PromQL strings', () => {
    assert.equal(selector('dwcp_x', {}), '{__name__="dwcp_x"}');
    assert.equal(selector('dwcp_x', { z: '1', a: 'q"u\\o\nte' }), '{__name__="dwcp_x",a="q\\"u\\\\o\\nte",z="1"}');
  });

  it('writes times as Unix seconds with millisecond decimals', () => {
    assert.equal(apiTime(1_700_000_000_123), '1700000000.123');
    assert.equal(apiTime(5), '0.005');
  });
});
