import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { NodeServer } from '../../../src/sim/node-server.ts';

async function status(url: string): Promise<number | 'refused'> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 'refused';
  }
}

describe('NodeServer', () => {
  const servers: NodeServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  it('serves, closes while down, reopens on the same port, and stays closed after close()', async () => {
    const registry = new Registry();
    let ready = false;
    const warnings: string[] = [];
    const s = new NodeServer({ id: 'node-1', registry, ready: () => ready, warn: (m) => warnings.push(m) });
    servers.push(s);
    s.setServing(false); // before listen: nothing to do
    await s.settled();
    assert.equal(s.port, 0);
    const port = await s.listen('127.0.0.1', 0);
    assert.ok(port > 0);
    assert.equal(s.port, port);
    const base = `http://127.0.0.1:${port}`;
    assert.equal(s.url, base);
    assert.equal(await status(`${base}/metrics`), 200);
    assert.equal(await status(`${base}/ready`), 503);
    ready = true;
    assert.equal(await status(`${base}/ready`), 200);

    s.setServing(false);
    await s.settled();
    assert.equal(s.url, undefined);
    assert.equal(await status(`${base}/metrics`), 'refused');
    s.setServing(true);
    await s.settled();
    assert.equal(await status(`${base}/metrics`), 200, 'reopened on the same port');
    assert.equal(s.port, port);

    await s.close();
    s.setServing(true);
    await s.settled();
    assert.equal(await status(`${base}/metrics`), 'refused');
    assert.deepEqual(warnings, []);
  });
});
