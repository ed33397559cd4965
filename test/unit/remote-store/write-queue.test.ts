/**
 * The remote-write queue (src/remote-store/write-queue.ts) against a local HTTP receiver that decodes every
 * request with the monitor's own remote-write decoder: batches bounded by maxSamplesPerSend, retries with
 * doubling backoff capped at maxBackoff on 503/429/network errors, no retry on 400, drop-and-count when full,
 * samples still queued at close counted as failed.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { decodeRemoteWrite } from '../../../src/ingest/remote-write/decode.ts';
import { DEFAULT_SCRAPE_LIMITS } from '../../../src/model/scrape-limits.ts';
import type { Sample } from '../../../src/model/sample.ts';
import {
  RemoteWriteQueue,
  type RemoteWriteFailure,
  type RemoteWriteQueueOptions,
} from '../../../src/remote-store/write-queue.ts';

const T0 = Date.UTC(2026, 0, 1);
const samples = (n: number, from = 0): Sample[] =>
  Array.from({ length: n }, (_, i) => ({
    name: 'dwcp_q',
    labels: { i: String((from + i) % 7) },
    value: from + i,
    timestampMs: T0 + from + i,
  }));

/** Counters the queue reports, as plain numbers. */
function counters() {
  const c = {
    sent: 0,
    failed: {} as Partial<Record<RemoteWriteFailure, number>>,
    dropped: 0,
    retried: 0,
    queued: [] as number[],
  };
  return {
    c,
    metrics: {
      sent: (n: number) => void (c.sent += n),
      failed: (r: RemoteWriteFailure, n: number) => void (c.failed[r] = (c.failed[r] ?? 0) + n),
      dropped: (n: number) => void (c.dropped += n),
      retried: () => void c.retried++,
      queued: (n: number) => void c.queued.push(n),
    },
  };
}

describe('remote-write queue', () => {
  let server: Server;
  let url: string;
  /** Statuses to answer, in order; 204 when empty. */
  let script: number[] = [];
  /** Samples per request received (decoded), including refused ones. */
  let requests: { status: number; samples: Sample[]; headers: IncomingMessage['headers'] }[] = [];
  const stored = () => requests.filter((r) => r.status === 204).flatMap((r) => r.samples);
  const queues: RemoteWriteQueue[] = [];
  const queue = (o: Partial<RemoteWriteQueueOptions> = {}) => {
    const q = new RemoteWriteQueue({
      url,
      capacity: 1000,
      maxSamplesPerSend: 100,
      batchDeadlineMs: 20,
      minBackoffMs: 1,
      maxBackoffMs: 4,
      timeoutMs: 2000,
      ...o,
    });
    queues.push(q);
    return q;
  };

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = script.shift() ?? 204;
        const decoded = decodeRemoteWrite(Buffer.concat(chunks), {
          maxDecompressedBytes: 1 << 24,
          labels: DEFAULT_SCRAPE_LIMITS,
        });
        requests.push({ status, samples: decoded.samples, headers: req.headers });
        res.writeHead(status).end(status === 204 ? '' : 'try later');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
  });
  beforeEach(() => {
    script = [];
    requests = [];
  });
  after(async () => {
    for (const q of queues) await q.close(100);
    await new Promise((r) => server.close(r));
  });

  it('sends every sample once, in batches of at most maxSamplesPerSend, with the remote-write 1.0 headers', async () => {
    const { c, metrics } = counters();
    const q = queue({ metrics, maxSamplesPerSend: 100 });
    assert.equal(q.push(samples(250)), 250);
    assert.equal(q.push(samples(30, 250)), 30);
    assert.equal(await q.flush(5000), true);
    assert.ok(
      requests.every((r) => r.samples.length <= 100),
      `batch sizes ${requests.map((r) => r.samples.length).join(',')}`,
    );
    assert.deepEqual(
      stored()
        .map((s) => s.value)
        .sort((a, b) => a - b),
      samples(280).map((s) => s.value),
    );
    assert.deepEqual(stored()[0], samples(1)[0], 'name, labels, value and timestamp round-trip');
    assert.equal(requests[0]!.headers['content-encoding'], 'snappy');
    assert.equal(requests[0]!.headers['content-type'], 'application/x-protobuf');
    assert.equal(requests[0]!.headers['x-prometheus-remote-write-version'], '0.1.0');
    assert.equal(c.sent, 280);
    assert.equal(c.queued.at(-1), 0);
    assert.equal(q.size, 0);
  });

  it('sends a partial batch after batchDeadlineMs without a flush', async () => {
    const q = queue({ maxSamplesPerSend: 100, batchDeadlineMs: 30 });
    q.push(samples(3));
    for (let i = 0; i < 200 && stored().length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(stored().length, 3);
  });

  it('retries 503 and 429 with doubling backoff capped at maxBackoffMs, then delivers the batch whole', async () => {
    const { c, metrics } = counters();
    const waits: number[] = [];
    const q = queue({
      metrics,
      minBackoffMs: 10,
      maxBackoffMs: 40,
      sleep: (ms) => Promise.resolve(void waits.push(ms)),
    });
    script = [503, 503, 429, 500, 503];
    q.push(samples(50));
    assert.equal(await q.flush(5000), true);
    assert.deepEqual(
      waits,
      [10, 20, 40, 40, 40],
      'backoff doubles from minBackoffMs and stays at maxBackoffMs',
    );
    assert.deepEqual(
      requests.map((r) => r.status),
      [503, 503, 429, 500, 503, 204],
    );
    assert.equal(stored().length, 50);
    assert.deepEqual([c.sent, c.retried, c.failed], [50, 5, {}]);
  });

  it('retries a network error (nothing listening) until closed, then counts the unsent samples as failed (shutdown)', async () => {
    const { c, metrics } = counters();
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/api/v1/write`;
    await new Promise((r) => dead.close(r));
    let attempts = 0;
    const errors: Error[] = [];
    const q = queue({
      url: deadUrl,
      metrics,
      onError: (e) => void errors.push(e),
      sleep: () => Promise.resolve(void attempts++),
    });
    q.push(samples(5));
    for (let i = 0; i < 500 && attempts < 3; i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(attempts >= 3, 'retried');
    assert.equal(c.sent, 0);
    assert.ok(errors.length >= 3);
    await q.close(50);
    assert.deepEqual(c.failed, { shutdown: 5 }, 'what was still unsent at close is counted');
  });

  it('does not retry a 400: the batch is counted as failed (rejected) and the queue goes on', async () => {
    const { c, metrics } = counters();
    const q = queue({ metrics, maxSamplesPerSend: 10 });
    script = [400];
    q.push(samples(10));
    q.push(samples(5, 10));
    assert.equal(await q.flush(5000), true);
    assert.deepEqual(
      requests.map((r) => r.status),
      [400, 204],
    );
    assert.deepEqual([c.sent, c.failed, c.retried], [5, { rejected: 10 }, 0]);
  });

  it('sends the credentials in the Authorization header of every request, asked each time (a rotated token is picked up)', async () => {
    let token = 'first-token';
    const q = queue({ maxSamplesPerSend: 10, authorization: async () => `Bearer ${token}` });
    q.push(samples(10));
    assert.equal(await q.flush(5000), true);
    token = 'rotated-token';
    q.push(samples(10, 10));
    assert.equal(await q.flush(5000), true);
    assert.deepEqual(
      requests.map((r) => r.headers.authorization),
      ['Bearer first-token', 'Bearer rotated-token'],
    );
    assert.ok(
      requests.every((r) => !r.headers.host?.includes('@')),
      'no credentials in the request target',
    );
    const plain = queue({ maxSamplesPerSend: 10 });
    plain.push(samples(3));
    assert.equal(await plain.flush(5000), true);
    assert.equal(requests.at(-1)?.headers.authorization, undefined, 'no header without credentials');
  });

  it('does not retry a 401 or 403: the batch is counted as failed (unauthorized) with a reason naming the credentials, never the secret', async () => {
    const { c, metrics } = counters();
    const errors: Error[] = [];
    const q = queue({
      metrics,
      maxSamplesPerSend: 10,
      authorization: async () => 'Basic ' + Buffer.from('vm:s3cret').toString('base64'),
      onError: (e) => errors.push(e),
    });
    script = [401, 403];
    q.push(samples(10));
    q.push(samples(10, 10));
    q.push(samples(4, 20));
    assert.equal(await q.flush(5000), true);
    assert.deepEqual(
      requests.map((r) => r.status),
      [401, 403, 204],
    );
    assert.deepEqual([c.sent, c.failed, c.retried], [4, { unauthorized: 20 }, 0]);
    assert.match(
      errors[0]!.message,
      /^remote write answered 401 \(the endpoint refused the credentials: check the storage basicAuth, bearerToken or bearerTokenFile\)/,
    );
    assert.ok(
      errors.every(
        (e) =>
          !e.message.includes('s3cret') && !e.message.includes(Buffer.from('vm:s3cret').toString('base64')),
      ),
    );
  });

  it('counts a batch whose credentials cannot be read as failed (unauthorized), without sending it', async () => {
    const { c, metrics } = counters();
    const errors: Error[] = [];
    const q = queue({
      metrics,
      maxSamplesPerSend: 10,
      authorization: () => Promise.reject(new Error('cannot read bearerTokenFile /run/secrets/vm: ENOENT')),
      onError: (e) => errors.push(e),
    });
    q.push(samples(10));
    assert.equal(await q.flush(5000), true);
    assert.equal(requests.length, 0);
    assert.deepEqual([c.sent, c.failed, c.retried], [0, { unauthorized: 10 }, 0]);
    assert.match(
      errors[0]!.message,
      /remote write credentials unavailable: cannot read bearerTokenFile \/run\/secrets\/vm: ENOENT/,
    );
  });

  it('holds at most capacity samples: the rest are dropped and counted, and room comes back once sent', async () => {
    const { c, metrics } = counters();
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((r) => (release = r));
    const q = queue({ metrics, capacity: 100, maxSamplesPerSend: 40, sleep: () => blocked });
    script = [503];
    assert.equal(q.push(samples(70)), 70);
    assert.equal(q.push(samples(50, 70)), 30, 'only what fits is taken');
    assert.equal(q.push(samples(5, 120)), 0);
    assert.equal(q.size, 100);
    assert.equal(c.dropped, 25);
    release();
    assert.equal(await q.flush(5000), true);
    assert.equal(stored().length, 100);
    assert.equal(q.push(samples(10, 200)), 10, 'room again after sending');
    assert.equal(await q.flush(5000), true);
    assert.equal(c.sent, 110);
  });

  it('after close nothing is taken; close is idempotent', async () => {
    const { c, metrics } = counters();
    const q = queue({ metrics });
    q.push(samples(3));
    await q.close(2000);
    await q.close(2000);
    assert.equal(c.sent, 3, 'what was queued is sent before closing');
    assert.equal(q.push(samples(2)), 0);
    assert.equal(c.dropped, 2);
  });

  it('refuses settings that cannot work', () => {
    assert.throws(
      () =>
        new RemoteWriteQueue({
          url,
          capacity: 0,
          maxSamplesPerSend: 1,
          batchDeadlineMs: 1,
          minBackoffMs: 1,
          maxBackoffMs: 1,
          timeoutMs: 1,
        }),
      /capacity/,
    );
    assert.throws(
      () =>
        new RemoteWriteQueue({
          url,
          capacity: 1,
          maxSamplesPerSend: 1,
          batchDeadlineMs: 1,
          minBackoffMs: 5,
          maxBackoffMs: 1,
          timeoutMs: 1,
        }),
      /maxBackoffMs/,
    );
  });
});
