import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { freeLoopbackPort } from '../../../src/demo/free-port.ts';

test('freeLoopbackPort gives a port a listener on 127.0.0.1 can take', async () => {
  const port = await freeLoopbackPort();
  assert.ok(Number.isInteger(port) && port > 0 && port <= 65_535, String(port));
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
