import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { buildApp, type BuildAppOptions } from '../../../src/server/app.ts';
import { hostName, normaliseOrigin } from '../../../src/server/security.ts';
import { T0, anomaly, seedAnomalies, testDeps, type TestDeps } from '../../helpers/server-fakes.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-security-'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
const apps: FastifyInstance[] = [];
const sockets: WebSocket[] = [];
after(async () => {
  for (const s of sockets) s.terminate();
  await Promise.all(apps.map((a) => a.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function app(
  opts: BuildAppOptions = {},
  deps: TestDeps = testDeps({ webRoot: dir }),
): Promise<FastifyInstance> {
  const a = await buildApp(deps, { checkResponses: true, now: () => T0, ...opts });
  apps.push(a);
  return a;
}

function errorType(res: { json: () => unknown }): string {
  return (res.json() as { errorType: string }).errorType;
}

describe('security headers', () => {
  it('API and static responses carry helmet headers, without HSTS or upgrade-insecure-requests', async () => {
    const a = await app();
    for (const url of ['/api/v1/targets', '/', '/nope']) {
      const res = await a.inject({ url });
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.match(String(res.headers['content-security-policy']), /default-src 'self'/, url);
      assert.doesNotMatch(String(res.headers['content-security-policy']), /upgrade-insecure-requests/, url);
      assert.equal(res.headers['strict-transport-security'], undefined, url);
      assert.ok(res.headers['x-frame-options'], url);
    }
  });
});

describe('Host allow-list (DNS rebinding)', () => {
  it('answers loopback names, IP literals and configured names; refuses other names with 403', async () => {
    const a = await app({ security: { allowedHosts: ['monitor.internal'] } });
    for (const host of [
      'localhost:9500',
      '127.0.0.1',
      '[::1]:9500',
      '10.1.2.3:80',
      'monitor.internal:9500',
      'MONITOR.internal.',
    ]) {
      assert.equal((await a.inject({ url: '/api/v1/targets', headers: { host } })).statusCode, 200, host);
    }
    for (const host of [
      'attacker.example',
      'attacker.example:9500',
      'localhost.attacker.example',
      '127.0.0.1.nip.io',
    ]) {
      const res = await a.inject({ url: '/api/v1/targets', headers: { host } });
      assert.equal(res.statusCode, 403, host);
      assert.equal(errorType(res), 'DWCP_FORBIDDEN');
    }
  });

  it('a real request naming a rebound host is refused, the same request by IP is served', async () => {
    const a = await app();
    const address = new URL(await a.listen({ host: '127.0.0.1', port: 0 }));
    const get = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port: address.port, path: '/api/v1/targets', headers: { host } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    assert.equal(await get(`rebind.attacker.example:${address.port}`), 403);
    assert.equal(await get(`127.0.0.1:${address.port}`), 200);
  });

  it('hostName strips ports, brackets and a trailing dot', () => {
    assert.equal(hostName('[::1]:80'), '::1');
    assert.equal(hostName('Example.COM.:8080'), 'example.com');
    assert.equal(hostName('localhost'), 'localhost');
    assert.equal(normaliseOrigin('HTTP://Example.com:80'), 'http://example.com');
    assert.equal(normaliseOrigin('null'), undefined);
  });
});

describe('Origin check and CSRF-safe content types on writes', () => {
  const ack = '/api/anomalies/1/acknowledge';

  it('refuses cross-origin writes and accepts same-origin, configured and Origin-less ones', async () => {
    const deps = testDeps();
    await seedAnomalies(deps.anomalies, [anomaly(1)]);
    const a = await app({ security: { allowedOrigins: ['https://grafana.example'] } }, deps);
    const post = (headers: Record<string, string>) =>
      a.inject({ method: 'POST', url: ack, headers: { host: 'localhost:9500', ...headers } });
    for (const origin of [
      'http://evil.example',
      'null',
      'http://localhost:9501',
      'https://grafana.example.evil',
    ]) {
      const res = await post({ origin });
      assert.equal(res.statusCode, 403, origin);
      assert.equal(errorType(res), 'DWCP_FORBIDDEN');
    }
    assert.equal((await deps.anomalies.get(1))?.acknowledged, false, 'a refused write changed nothing');
    for (const origin of ['http://localhost:9500', 'https://grafana.example']) {
      assert.equal((await post({ origin })).statusCode, 200, origin);
    }
    assert.equal((await post({})).statusCode, 200);
    // Reads are not checked: a cross-origin page cannot read the answer without CORS headers.
    assert.equal(
      (await a.inject({ url: '/api/anomalies', headers: { origin: 'http://evil.example' } })).statusCode,
      200,
    );
  });

  it('answers 415 to the content types a cross-site form can send, with or without a body', async () => {
    const a = await app();
    for (const type of [
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const withBody = await a.inject({
        method: 'POST',
        url: ack,
        headers: { 'content-type': type },
        payload: 'a=1',
      });
      assert.equal(withBody.statusCode, 415, type);
      assert.equal(errorType(withBody), 'DWCP_UNSUPPORTED_MEDIA_TYPE');
      assert.equal(
        (await a.inject({ method: 'POST', url: ack, headers: { 'content-type': type } })).statusCode,
        415,
        type,
      );
    }
    // JSON is fine (404: no such anomaly, the route ran).
    const json = await a.inject({
      method: 'POST',
      url: ack,
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    assert.equal(json.statusCode, 404);
  });
});

describe('live websocket: Origin and per-address limit', () => {
  async function live(opts: BuildAppOptions, limits: TestDeps['limits']): Promise<string> {
    const a = await app(opts, testDeps({ limits }));
    return (await a.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws') + '/api/live';
  }
  function open(url: string, origin?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, origin === undefined ? {} : { origin });
      sockets.push(ws);
      ws.on('message', () => resolve(101));
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', reject);
    });
  }

  it('refuses foreign origins before the upgrade and accepts its own and configured ones', async () => {
    const url = await live({ security: { allowedOrigins: ['https://console.example'] } }, undefined);
    const own = new URL(url.replace('ws', 'http')).origin;
    assert.equal(await open(url, 'http://evil.example'), 403);
    assert.equal(await open(url, own), 101);
    assert.equal(await open(url, 'https://console.example'), 101);
    assert.equal(await open(url), 101);
  });

  it('one address cannot hold every slot', async () => {
    const url = await live({}, { liveMaxClients: 10, liveMaxClientsPerAddress: 2 });
    assert.equal(await open(url), 101);
    assert.equal(await open(url), 101);
    assert.equal(await open(url), 429);
  });
});

describe('static files and query keys: client errors, never 500', () => {
  it('NUL bytes and malformed paths → 400, traversal → 404', async () => {
    const a = await app();
    const cases: [string, number][] = [
      ['/%00', 400],
      ['/index.html%00', 400],
      ['/a%00b', 400],
      ['/%', 400],
      ['/%E0%A4%A', 400],
      ['/..%2f..%2fetc%2fpasswd', 404],
      ['/%2e%2e%5c%2e%2e%5cetc', 404],
      ['/../../etc/passwd', 404],
      ['/%c0%ae%c0%ae/', 400],
    ];
    for (const [url, status] of cases) {
      const res = await a.inject({ url });
      assert.equal(res.statusCode, status, `${url}: ${res.body}`);
      assert.equal((res.json() as { status: string }).status, 'error', url);
    }
    assert.equal((await a.inject({ url: '/' })).statusCode, 200);
  });

  it('prototype keys in match[] are refused with 400, not ignored', async () => {
    const a = await app();
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const res = await a.inject({
        url: `/api/metrics/query?name=dwcp_amst_bandwidth_utilization&match[${key}]=x`,
      });
      assert.equal(res.statusCode, 400, key);
      assert.match(
        (res.json() as { error: string }).error,
        new RegExp(`match\\[${key}\\]: "${key}" is reserved`),
      );
    }
  });
});
