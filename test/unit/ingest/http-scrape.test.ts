/**
 * One HTTP scrape (src/ingest/http-scrape.ts) against real local servers: redirects by policy, and a timeout
 * caused by the monitor's own blocked event loop told apart from a slow target.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { scrapeHttp, type HttpScrapeOptions } from '../../../src/ingest/http-scrape.ts';

function listen(handler: Parameters<typeof createServer>[1], host = '127.0.0.1'): Promise<Server> {
  const s = createServer(handler);
  return new Promise((resolve) => s.listen(0, host, () => resolve(s)));
}
const portOf = (s: Server) => (s.address() as AddressInfo).port;
const close = (s: Server) =>
  new Promise<void>((resolve) => {
    s.closeAllConnections();
    s.close(() => resolve());
  });

/** Blocks the event loop for `ms` (the monitor saturated by other work). */
function blockFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

const OPTS: HttpScrapeOptions = {
  startMs: 1000,
  timeoutMs: 1000,
  maxBodyBytes: 1 << 20,
  redirects: 'same-host',
  overloadToleranceMs: 100,
};
const brief = (r: Awaited<ReturnType<typeof scrapeHttp>>) =>
  Array.isArray(r) ? ['samples', r.length] : 'lateMs' in r ? ['overload'] : [r.result, r.error.message];

describe('scrapeHttp', () => {
  let target: Server, other: Server, quick: Server, slow: Server;
  const seenAuth: (string | undefined)[] = [];
  before(async () => {
    other = await listen((q, r) => {
      seenAuth.push(q.headers.authorization);
      r.end('dwcp_other 1\n');
    });
    target = await listen((q, r) => {
      if (q.url === '/same') r.writeHead(302, { location: '/metrics' }).end();
      else if (q.url === '/away')
        r.writeHead(301, { location: `http://127.0.0.1:${portOf(other)}/metrics` }).end();
      else if (q.url === '/loop') r.writeHead(302, { location: '/loop' }).end();
      else if (q.url === '/file') r.writeHead(302, { location: 'file:///etc/passwd' }).end();
      else if (q.url === '/utf8') r.end('dwcp_x{site="Zürich",emoji="\u{1F680}"} 1\n');
      else if (q.url === '/private')
        r.writeHead(q.headers.authorization === 'Bearer s3cret' ? 200 : 401).end('dwcp_x 1\n');
      else r.end('dwcp_x 1\ndwcp_y 2\n');
    });
    quick = await listen((_q, r) => void setTimeout(() => r.end('dwcp_x 1\n'), 20));
    slow = await listen((_q, r) => void setTimeout(() => r.end('dwcp_x 1\n'), 600));
  });
  after(async () => {
    await Promise.all([target, other, quick, slow].map(close));
  });

  it('decodes an ASCII body and a body with UTF-8 label values to the same text the target sent', async () => {
    const base = `http://127.0.0.1:${portOf(target)}`;
    const ascii = await scrapeHttp(`${base}/metrics`, OPTS);
    assert.ok(Array.isArray(ascii));
    assert.deepEqual(
      ascii.map((s) => [s.name, s.value]),
      [
        ['dwcp_x', 1],
        ['dwcp_y', 2],
      ],
    );
    const utf8 = await scrapeHttp(`${base}/utf8`, OPTS);
    assert.ok(Array.isArray(utf8));
    assert.deepEqual(utf8[0]!.labels, { site: 'Zürich', emoji: '\u{1F680}' });
  });

  it('follows redirects on the same host, refuses other hosts by default, follows them with redirects: any', async () => {
    const base = `http://127.0.0.1:${portOf(target)}`;
    assert.deepEqual(brief(await scrapeHttp(`${base}/same`, OPTS)), ['samples', 2]);
    assert.deepEqual(brief(await scrapeHttp(`${base}/away`, OPTS)), [
      'http_error',
      `HTTP 301: redirect to 127.0.0.1:${portOf(other)} refused (redirects: same-host)`,
    ]);
    assert.deepEqual(brief(await scrapeHttp(`${base}/away`, { ...OPTS, redirects: 'any' })), ['samples', 1]);
    assert.deepEqual(brief(await scrapeHttp(`${base}/same`, { ...OPTS, redirects: 'none' })), [
      'http_error',
      `HTTP 302: redirect to 127.0.0.1:${portOf(target)} refused (redirects: none)`,
    ]);
    assert.deepEqual(brief(await scrapeHttp(`${base}/loop`, OPTS)), [
      'http_error',
      'HTTP 302: more than 5 redirects',
    ]);
    assert.deepEqual(brief(await scrapeHttp(`${base}/file`, { ...OPTS, redirects: 'any' })), [
      'http_error',
      'HTTP 302: redirect to a file: URL refused',
    ]);
  });

  it('sends the target credentials to the target and never to a redirect on another host', async () => {
    const base = `http://127.0.0.1:${portOf(target)}`;
    assert.deepEqual(brief(await scrapeHttp(`${base}/private`, OPTS)), ['http_error', 'HTTP 401']);
    assert.deepEqual(
      brief(await scrapeHttp(`${base}/private`, { ...OPTS, authorization: 'Bearer s3cret' })),
      ['samples', 1],
    );
    seenAuth.length = 0;
    assert.deepEqual(
      brief(await scrapeHttp(`${base}/away`, { ...OPTS, redirects: 'any', authorization: 'Bearer s3cret' })),
      ['samples', 1],
    );
    assert.deepEqual(seenAuth, [undefined]);
  });

  it('a timeout while the event loop was blocked past the deadline is overload, not a target failure', async () => {
    const pending = scrapeHttp(`http://127.0.0.1:${portOf(quick)}/metrics`, { ...OPTS, timeoutMs: 150 });
    blockFor(600);
    const got = await pending;
    assert.deepEqual(brief(got), ['overload']);
    assert.ok(!Array.isArray(got) && 'lateMs' in got && got.lateMs >= 300, `late by ${JSON.stringify(got)}`);
  });

  it('a timeout while the event loop was busy most of the window is overload, even with the deadline on time', async () => {
    // A lateness tolerance no slice can reach, so only the busy share can call it overload.
    const pending = scrapeHttp(`http://127.0.0.1:${portOf(slow)}/metrics`, {
      ...OPTS,
      timeoutMs: 150,
      overloadToleranceMs: 5000,
    });
    // Busy in 20 ms slices with a yield between them: the deadline timer runs about on time, but the loop is busy
    // nearly the whole window.
    const until = performance.now() + 400;
    await new Promise<void>((resolve) => {
      const slice = (): void => {
        if (performance.now() >= until) return resolve();
        blockFor(20);
        setImmediate(slice);
      };
      slice();
    });
    assert.deepEqual(brief(await pending), ['overload']);
  });

  it('a slow target on an idle monitor still times out', async () => {
    // Idle: the loop waits the whole window. The lateness tolerance is far above what a loaded machine adds to a
    // timer (tens of ms; 100 ms, the other tests' tolerance, could be reached and read as overload).
    const idle = { ...OPTS, timeoutMs: 150, overloadToleranceMs: 5000 };
    assert.deepEqual(brief(await scrapeHttp(`http://127.0.0.1:${portOf(slow)}/metrics`, idle)), [
      'timeout',
      'scrape timed out after 150 ms',
    ]);
  });
});
