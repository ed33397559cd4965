/**
 * The scrape's request and body assembly (src/ingest/http-get.ts): the request head a scrape sends is the one
 * `http.request` sends for the same headers given as an object (the scrape gives them as a prepared list), and a
 * body with a declared length that arrives in many small reads is assembled byte for byte.
 */
import assert from 'node:assert/strict';
import { Agent, createServer as createHttpServer, request, type Server } from 'node:http';
import { createServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { prepareGet } from '../../../src/ingest/http-get.ts';
import {
  SCRAPE_ACCEPT,
  SCRAPE_USER_AGENT,
  scrapeHttp,
  type HttpScrapeOptions,
} from '../../../src/ingest/http-scrape.ts';

const OPTS: HttpScrapeOptions = {
  startMs: 1000,
  timeoutMs: 2000,
  maxBodyBytes: 1 << 20,
  redirects: 'same-host',
  overloadToleranceMs: 5000,
};

/** A TCP server that records each request head it receives and answers `dwcp_x 1`. */
function headRecorder(): Promise<{ server: NetServer; heads: string[]; port: number }> {
  const heads: string[] = [];
  const server = createServer((socket) => {
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      let end: number;
      while ((end = buf.indexOf('\r\n\r\n')) >= 0) {
        heads.push(buf.slice(0, end));
        buf = buf.slice(end + 4);
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 9\r\nKeep-Alive: timeout=5\r\n\r\ndwcp_x 1\n');
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, heads, port: (server.address() as AddressInfo).port }),
    ),
  );
}

/** The head `http.request` sends for `headers` given as an object, on a keep-alive agent. */
function objectHead(url: string, headers: Record<string, string>): Promise<void> {
  const agent = new Agent({ keepAlive: true });
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent }, (res) => {
      res.resume();
      res.on('end', () => {
        agent.destroy();
        resolve();
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('http-get: the scrape request', () => {
  let rec: Awaited<ReturnType<typeof headRecorder>>;
  before(async () => {
    rec = await headRecorder();
  });
  after(() => new Promise<void>((resolve) => rec.server.close(() => resolve())));

  /** Scrapes `url` without and with a target credential; each time the head equals http.request's. */
  async function sameHeadAsObject(url: string): Promise<string[]> {
    const base = {
      accept: SCRAPE_ACCEPT,
      'accept-encoding': 'gzip, deflate',
      'user-agent': SCRAPE_USER_AGENT,
    };
    const heads: string[] = [];
    for (const authorization of [undefined, 'Bearer t0k3n']) {
      rec.heads.length = 0;
      const got = await scrapeHttp(prepareGet(new URL(url)), { ...OPTS, authorization });
      assert.ok(Array.isArray(got) && got.length === 1, JSON.stringify(got));
      await objectHead(url, authorization === undefined ? base : { ...base, authorization });
      assert.equal(rec.heads.length, 2);
      assert.equal(rec.heads[0], rec.heads[1]);
      assert.match(rec.heads[0]!, new RegExp(`\\r\\nHost: 127.0.0.1:${rec.port}\\r\\n`));
      assert.equal(rec.heads[0]!.includes('authorization: Bearer t0k3n'), authorization !== undefined);
      heads.push(rec.heads[0]!);
    }
    return heads;
  }

  it('sends the request head http.request sends for the same headers as an object (with and without credentials)', async () => {
    const [head] = await sameHeadAsObject(`http://127.0.0.1:${rec.port}/metrics?x=1`);
    assert.match(head!, /^GET \/metrics\?x=1 HTTP\/1.1\r\n/);
  });

  it("sends the URL's user and password as Basic credentials unless the target has a credential, as http.request does", async () => {
    const [plain, withCredential] = await sameHeadAsObject(
      `http://sc%C3%BCr:p%40ss@127.0.0.1:${rec.port}/metrics`,
    );
    assert.match(plain!, /\r\nAuthorization: Basic c2PDvHI6cEBzcw==\r\n/); // "scür:p@ss"
    assert.doesNotMatch(withCredential!, /Basic/);
  });
});

describe('http-get: a body with a declared length in many reads', () => {
  let server: Server;
  let port = 0;
  const lines = Array.from({ length: 300 }, (_, i) => `dwcp_x{city="Zürich ${i} 🚀"} ${i}\n`).join('');
  const body = Buffer.from(lines);
  before(async () => {
    server = createHttpServer((q, r) => {
      r.writeHead(200, { 'content-length': String(body.length) });
      r.socket?.setNoDelay(true);
      // 7-byte writes, a few ms apart, so the client reads the body in many chunks (UTF-8 sequences split)
      let at = 0;
      const more = (): void => {
        if (at >= body.length) return void r.end();
        r.write(body.subarray(at, (at += at < 200 ? 7 : 997)));
        setTimeout(more, 2);
      };
      more();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('assembles the body byte for byte', async () => {
    const got = await scrapeHttp(`http://127.0.0.1:${port}/`, OPTS);
    assert.ok(Array.isArray(got), JSON.stringify(got));
    assert.equal(got.length, 300);
    got.forEach((s, i) => {
      assert.equal(s.labels.city, `Zürich ${i} 🚀`);
      assert.equal(s.value, i);
    });
  });
});
