import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { ApiErrorBodySchema } from '../../../src/contract/api-error.ts';
import { buildApp } from '../../../src/server/app.ts';
import { clientErrorAnswer } from '../../../src/server/client-error.ts';
import { testDeps } from '../../helpers/server-fakes.ts';

/** Sends `raw` on a new connection and reads until the server closes it (bounded by 5 s). */
async function rawExchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 5 s; got ${JSON.stringify(text)}`));
    }, 5000);
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', () => undefined); // the server closes after answering: a reset may follow the answer
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.write(raw);
  });
}

test('requests refused by the HTTP parser are answered in the API error shape, then closed', async () => {
  const app = await buildApp(testDeps());
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { port } = app.server.address() as AddressInfo;
    const cases = [
      [
        `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
        'DWCP_LIMIT_EXCEEDED',
      ],
      ['NOT A REQUEST\r\n\r\n', 400, 'DWCP_INVALID_INPUT'],
    ] as const;
    for (const [raw, status, code] of cases) {
      const answer = await rawExchange(port, raw);
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      assert.match(head, new RegExp(`^HTTP/1\\.1 ${status} `), answer);
      assert.match(head, /content-type: application\/json/i);
      const parsed = ApiErrorBodySchema.parse(JSON.parse(body));
      assert.equal(parsed.errorType, code);
    }
    // the server still answers normally afterwards
    assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);
  } finally {
    await app.close();
  }
});

test('clientErrorAnswer: 431 for headers over the limit, 408 for a timed-out request, 400 otherwise', () => {
  assert.equal(clientErrorAnswer({ code: 'HPE_HEADER_OVERFLOW' }).statusCode, 431);
  assert.equal(clientErrorAnswer({ code: 'ERR_HTTP_REQUEST_TIMEOUT' }).statusCode, 408);
  assert.equal(clientErrorAnswer({ code: 'HPE_INVALID_METHOD' }).statusCode, 400);
  assert.equal(clientErrorAnswer({}).statusCode, 400);
});
