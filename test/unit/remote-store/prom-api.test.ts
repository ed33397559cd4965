/** The Prometheus query API client (src/remote-store/prom-api.ts): its pieces, and credentials against a local server. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { StoreError } from '../../../src/errors.ts';
import {
  apiTime,
  labelMatchers,
  parseSampleValue,
  PromApiClient,
  selector,
} from '../../../src/remote-store/prom-api.ts';

describe('Prometheus query API client', () => {
  it("reads sample values in Go's spelling (+Inf, -Inf, NaN) and decimals; anything else is a StoreError", () => {
    assert.equal(parseSampleValue('+Inf'), Infinity);
    assert.equal(parseSampleValue('Inf'), Infinity);
    assert.equal(parseSampleValue('-Inf'), -Infinity);
    assert.ok(Number.isNaN(parseSampleValue('NaN')));
    assert.equal(parseSampleValue('1.5e-3'), 0.0015);
    assert.equal(parseSampleValue('-0'), -0);
    for (const bad of ['', 'abc', 'Infinity?', 1.5, null])
      assert.throws(() => parseSampleValue(bad), StoreError, String(bad));
  });

  it('builds selectors with the name and every label, values escaped as PromQL strings', () => {
    assert.equal(selector('dwcp_x', {}), '{__name__="dwcp_x"}');
    assert.equal(
      selector('dwcp_x', { z: '1', a: 'q"u\\o\nte' }),
      '{__name__="dwcp_x",a="q\\"u\\\\o\\nte",z="1"}',
    );
  });

  it('writes times as Unix seconds with millisecond decimals', () => {
    assert.equal(apiTime(1_700_000_000_123), '1700000000.123');
    assert.equal(apiTime(5), '0.005');
  });

  it('builds label matchers without a name, and with __name__ first', () => {
    assert.equal(labelMatchers({ replica: 'b', monitor: 'dwcp' }), '{monitor="dwcp",replica="b"}');
    assert.equal(labelMatchers({ z: '1', __name__: 'dwcp_x' }), '{__name__="dwcp_x",z="1"}');
  });

  it('sends the credentials with every query and names a 401 as refused credentials, never the secret', async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.headers.authorization === 'Bearer good')
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'success', data: ['dwcp_a'] }));
      else res.writeHead(401).end('Unauthorized');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const good = new PromApiClient({ baseUrl, timeoutMs: 2000, authorization: async () => 'Bearer good' });
      assert.deepEqual(await good.labelValues('__name__', 0, 1000, '{monitor="dwcp"}'), ['dwcp_a']);
      const bad = new PromApiClient({
        baseUrl,
        timeoutMs: 2000,
        authorization: async () => 'Bearer wrong-s3cret',
      });
      await assert.rejects(
        bad.labelValues('__name__', 0, 1000),
        (e: unknown) =>
          e instanceof StoreError &&
          /answered 401: the endpoint refused the credentials/.test(e.message) &&
          !e.message.includes('s3cret'),
      );
      assert.deepEqual(seen, ['Bearer good', 'Bearer wrong-s3cret']);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
