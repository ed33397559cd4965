/**
 * The scraper's HTTP transport (src/ingest/http-get.ts) under bad input, through one scrape (`scrapeHttp`) so the
 * typed outcome is checked too: truncated, oversize and slow bodies, a connection reset, gzip (valid, corrupt,
 * and a bomb past the size limit), keep-alive reuse and the retry of a reused connection the server closed.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { decodePieces } from '../../../src/ingest/http-get.ts';
import { scrapeHttp, type HttpScrapeOptions } from '../../../src/ingest/http-scrape.ts';

const OPTS: HttpScrapeOptions = {
  startMs: 1000,
  timeoutMs: 1000,
  maxBodyBytes: 1 << 20,
  redirects: 'same-host',
  overloadToleranceMs: 5000,
};
const brief = (r: Awaited<ReturnType<typeof scrapeHttp>>) =>
  Array.isArray(r) ? ['samples', r.length] : 'lateMs' in r ? ['overload'] : [r.result, r.error.message];

const BODY = 'dwcp_x 1\ndwcp_y 2\n';

/** Requests seen per connection (1 for the first request on a connection). */
const order = new WeakMap<Socket, number>();

function handler(q: IncomingMessage, r: ServerResponse): void {
  const nth = (order.get(q.socket) ?? 0) + 1;
  order.set(q.socket, nth);
  switch (q.url) {
    case '/gzip':
      r.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(BODY));
      return;
    case '/deflate':
      r.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateSync(BODY));
      return;
    case '/deflate-raw':
      r.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateRawSync(BODY));
      return;
    case '/gzip-corrupt':
      r.writeHead(200, { 'content-encoding': 'gzip' }).end(Buffer.from('this is not gzip at all'));
      return;
    case '/gzip-bomb':
      // 8 MiB of zeros in about 8 KB: small on the wire, past the limit once decompressed.
      r.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(8 << 20, 0x30)));
      return;
    case '/truncated':
      r.writeHead(200, { 'content-length': '1000' });
      r.write('dwcp_x 1\n');
      setTimeout(() => q.socket.destroy(), 20);
      return;
    case '/truncated-chunked':
      r.writeHead(200);
      r.write('dwcp_x 1\n');
      setTimeout(() => q.socket.destroy(), 20);
      return;
    case '/oversize-declared':
      r.writeHead(200, { 'content-length': String(2 << 20) });
      r.end();
      return;
    case '/oversize-streamed': {
      r.writeHead(200);
      const line = Buffer.from('dwcp_x 1\n'.repeat(1000));
      let sent = 0;
      const more = (): void => {
        // stops by itself past 4 MiB, or when the client closed the connection
        while (sent < 4 << 20 && !r.destroyed) {
          sent += line.length;
          if (!r.write(line)) return void r.once('drain', more);
        }
        r.end();
      };
      more();
      return;
    }
    case '/slow-body':
      r.writeHead(200);
      r.write('dwcp_x 1\n');
      return; // never ends; the connection is closed in `after`
    case '/reset':
      q.socket.destroy();
      return;
    case '/reset-when-reused':
      if (nth > 1) q.socket.destroy();
      else r.end(BODY);
      return;
    default:
      r.end(BODY);
  }
}

function listen(): Promise<Server> {
  const s = createServer({ keepAliveTimeout: 60_000 }, handler);
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}
const close = (s: Server) =>
  new Promise<void>((resolve) => {
    s.closeAllConnections();
    s.close(() => resolve());
  });

describe('http-get: the scrape transport under bad input', () => {
  let server: Server;
  let connections = 0;
  let base = '';
  before(async () => {
    server = await listen();
    server.on('connection', () => connections++);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => close(server));

  it('decodes gzip and deflate (with or without the zlib header) bodies to the same samples', async () => {
    for (const path of ['/gzip', '/deflate', '/deflate-raw'])
      assert.deepEqual(brief(await scrapeHttp(`${base}${path}`, OPTS)), ['samples', 2], path);
  });

  it('a corrupt gzip body is a failed scrape naming the coding, not a crash', async () => {
    const got = brief(await scrapeHttp(`${base}/gzip-corrupt`, OPTS));
    assert.equal(got[0], 'connection_error');
    assert.match(String(got[1]), /^response body is not valid gzip: /);
  });

  it('a gzip bomb is cut at the body size limit after decompression', async () => {
    assert.deepEqual(brief(await scrapeHttp(`${base}/gzip-bomb`, OPTS)), [
      'body_too_large',
      'response body (decompressed gzip) exceeds the limit of 1048576 bytes',
    ]);
  });

  it('a body cut short (declared length or chunked) is a connection reset', async () => {
    for (const path of ['/truncated', '/truncated-chunked'])
      assert.deepEqual(
        brief(await scrapeHttp(`${base}${path}`, OPTS)),
        ['connection_error', 'connection reset'],
        path,
      );
  });

  it('an oversize body is refused by its Content-Length, or while streaming', async () => {
    assert.deepEqual(brief(await scrapeHttp(`${base}/oversize-declared`, OPTS)), [
      'body_too_large',
      'response body (Content-Length 2097152) exceeds the limit of 1048576 bytes',
    ]);
    assert.deepEqual(brief(await scrapeHttp(`${base}/oversize-streamed`, OPTS)), [
      'body_too_large',
      'response body exceeds the limit of 1048576 bytes',
    ]);
  });

  it('a body still arriving at the deadline is a timeout', async () => {
    const t0 = performance.now();
    assert.deepEqual(brief(await scrapeHttp(`${base}/slow-body`, { ...OPTS, timeoutMs: 150 })), [
      'timeout',
      'scrape timed out after 150 ms',
    ]);
    // The body never ends: without the deadline the read would hang to the file's timeout. 10 s only bounds the
    // wait on a loaded machine; the verdict above is the check.
    assert.ok(performance.now() - t0 < 10_000, 'the deadline ends the body read');
  });

  it('a connection reset before the answer is a connection error (a new connection is not retried)', async () => {
    const fresh = await listen();
    try {
      const url = `http://127.0.0.1:${(fresh.address() as AddressInfo).port}/reset`;
      assert.deepEqual(brief(await scrapeHttp(url, OPTS)), ['connection_error', 'connection reset']);
    } finally {
      await close(fresh);
    }
  });

  it('keeps the connection alive between scrapes, and retries once when the server closed a reused one', async () => {
    const before = connections;
    for (let i = 0; i < 3; i++) assert.deepEqual(brief(await scrapeHttp(`${base}/`, OPTS)), ['samples', 2]);
    assert.ok(connections - before <= 1, `${connections - before} connections for 3 scrapes`);
    const fresh = await listen();
    let opened = 0;
    fresh.on('connection', () => opened++);
    try {
      const url = `http://127.0.0.1:${(fresh.address() as AddressInfo).port}/reset-when-reused`;
      assert.deepEqual(brief(await scrapeHttp(url, OPTS)), ['samples', 2]);
      // the second scrape reuses the connection, which the server closes; the retry opens a new one
      assert.deepEqual(brief(await scrapeHttp(url, OPTS)), ['samples', 2]);
      assert.equal(opened, 2);
    } finally {
      await close(fresh);
    }
  });
});

describe('decodePieces', () => {
  it('cuts a body into pieces ending at line ends that join to the body, a long line kept whole', () => {
    const body = 'dwcp_a 1\n' + 'x'.repeat(40) + '\n' + 'dwcp_b{v="Zürich 🚀"} 2\n'.repeat(5) + 'dwcp_c 3';
    for (const size of [1, 7, 16, 64, 4096]) {
      const pieces = decodePieces(Buffer.from(body), size);
      assert.equal(pieces.join(''), body, `piece size ${size}`);
      for (const p of pieces.slice(0, -1)) assert.ok(p.endsWith('\n'), JSON.stringify(p));
      for (const p of pieces) assert.ok(Buffer.byteLength(p) <= size || !p.slice(0, -1).includes('\n'), p);
    }
    assert.deepEqual(decodePieces(Buffer.from('a 1\nb 2\n'), 4), ['a 1\n', 'b 2\n']);
    assert.deepEqual(decodePieces(Buffer.alloc(0)), ['']);
  });
});
