import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ConfigError, NotFoundError } from '../../../src/errors.ts';
import type { ScrapeOutcome } from '../../../src/ingest/scrape-outcome.ts';
import { Scraper, type FamilyTypes } from '../../../src/ingest/scraper.ts';
import type { Sample } from '../../../src/model/sample.ts';
import type { TargetStatus } from '../../../src/model/status.ts';

const GOOD = '# TYPE dwcp_x gauge\ndwcp_x{a="1"} 5\ndwcp_x{a="2",job="inner"} 6 1234\n';
const NOW = 1_700_000_000_000;

interface Batch {
  target: TargetStatus;
  samples: Sample[];
  startMs: number;
  outcome: ScrapeOutcome;
  types: FamilyTypes;
}

/** The typed outcome of the last batch of target `id`: result, error code, HTTP status. */
function outcomeOf(batches: readonly Batch[], id: string): [string, string | undefined, number | undefined] {
  const o = batches.filter((b) => b.target.id === id).at(-1)!.outcome;
  return o.result === 'success' || o.result === 'skipped_overload'
    ? [o.result, undefined, undefined]
    : [o.result, o.error.code, o.httpStatus];
}

function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const s = createServer(handler);
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}
const urlOf = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/metrics`;
const close = (s: Server) =>
  new Promise<void>((resolve) => {
    s.closeAllConnections();
    s.close(() => resolve());
  });

describe('Scraper against real local HTTP servers', () => {
  let good: Server, malformed: Server, hanging: Server, failing: Server, big: Server, refusedUrl: string;
  let scrapesOfGood = 0;
  before(async () => {
    good = await listen((_req, res) => {
      scrapesOfGood++;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(GOOD);
    });
    malformed = await listen((_req, res) => res.writeHead(200).end('ok 1\nbroken{a="x} 1\n'));
    hanging = await listen(() => {
      /* never answers */
    });
    failing = await listen((_req, res) => res.writeHead(500).end('boom'));
    big = await listen((_req, res) => {
      // chunked, no Content-Length: the limit must be enforced while reading
      res.writeHead(200);
      for (let i = 0; i < 20; i++) res.write(`dwcp_big{i="${i}"} ${'1'.repeat(100)}\n`);
      res.end();
    });
    const tmp = await listen(() => undefined);
    refusedUrl = urlOf(tmp);
    await close(tmp);
  });
  after(async () => {
    await Promise.all([good, malformed, hanging, failing, big].map(close));
  });

  function makeScraper(batches: Batch[]): Scraper {
    return new Scraper({
      onSamples: (target, samples, startMs, outcome, types) =>
        void batches.push({ target, samples, startMs, outcome, types }),
      now: () => NOW,
      // A timeout whose timer ran late by more than this is overload, not a down target. These tests are about
      // targets on an idle monitor: 100 ms (the default) is within reach of a loaded machine's scheduling.
      overloadToleranceMs: 5000,
    });
  }

  it('scrapes, attaches target labels, stamps missing timestamps and adds synthetic samples', async () => {
    const batches: Batch[] = [];
    const sc = makeScraper(batches);
    sc.addTarget({ id: 'node-1', url: urlOf(good), labels: { region: 'us-east', node: 'node-1' } });
    const st = await sc.scrapeOnce('node-1');
    assert.equal(st.health, 'up');
    assert.equal(st.lastError, null);
    assert.equal(st.samplesLastScrape, 2);
    assert.equal(st.lastScrapeMs, NOW);
    const b = batches[0]!;
    assert.equal(b.startMs, NOW);
    const instance = new URL(urlOf(good)).host;
    const x1 = b.samples.find((s) => s.name === 'dwcp_x' && s.labels['a'] === '1')!;
    assert.deepEqual(x1, {
      name: 'dwcp_x',
      labels: { a: '1', job: 'dwcp', instance, region: 'us-east', node: 'node-1' },
      value: 5,
      timestampMs: NOW,
    });
    const x2 = b.samples.find((s) => s.name === 'dwcp_x' && s.labels['a'] === '2')!;
    assert.equal(x2.timestampMs, 1234, 'explicit timestamp kept');
    assert.equal(x2.labels['exported_job'], 'inner', 'clashing exposed label kept as exported_job');
    assert.equal(x2.labels['job'], 'dwcp');
    const up = b.samples.find((s) => s.name === 'up')!;
    assert.equal(up.value, 1);
    assert.deepEqual(up.labels, { job: 'dwcp', instance, region: 'us-east', node: 'node-1' });
    assert.equal(b.samples.find((s) => s.name === 'scrape_samples_scraped')!.value, 2);
    const dur = b.samples.find((s) => s.name === 'scrape_duration_seconds')!;
    assert.ok(dur.value > 0 && dur.value < 5);
    assert.equal(b.samples.length, 5);
    assert.deepEqual(outcomeOf(batches, 'node-1'), ['success', undefined, undefined]);
    assert.deepEqual([...b.types], [['dwcp_x', 'gauge']], 'the family types the exposition declared');
  });

  it('an unchanged series keeps its labelled label set between scrapes; a re-added target starts afresh; a scraper without the cache labels anew', async () => {
    const batches: Batch[] = [];
    const sc = makeScraper(batches);
    sc.addTarget({ id: 'node-1', url: urlOf(good), labels: { region: 'us-east' } });
    await sc.scrapeOnce('node-1');
    await sc.scrapeOnce('node-1');
    const x = (b: Batch) => b.samples.find((s) => s.name === 'dwcp_x' && s.labels['a'] === '1')!;
    assert.equal(x(batches[1]!).labels, x(batches[0]!).labels);
    assert.ok(Object.isFrozen(x(batches[1]!).labels));
    sc.removeTarget('node-1');
    sc.addTarget({ id: 'node-1', url: urlOf(good), labels: { region: 'eu-west' } });
    await sc.scrapeOnce('node-1');
    assert.equal(x(batches[2]!).labels['region'], 'eu-west');
    assert.notEqual(x(batches[2]!).labels, x(batches[0]!).labels);
    const plain: Batch[] = [];
    const off = new Scraper({
      onSamples: (target, samples, startMs, outcome, types) =>
        void plain.push({ target, samples, startMs, outcome, types }),
      now: () => NOW,
      seriesTextCacheEntries: 0,
    });
    off.addTarget({ id: 'node-1', url: urlOf(good) });
    await off.scrapeOnce('node-1');
    await off.scrapeOnce('node-1');
    assert.notEqual(x(plain[1]!).labels, x(plain[0]!).labels);
    assert.deepEqual(x(plain[1]!).labels, x(plain[0]!).labels);
  });

  it('marks a malformed target down with the parse error while another target stays up', async () => {
    const batches: Batch[] = [];
    const sc = makeScraper(batches);
    sc.addTarget({ id: 'bad', url: urlOf(malformed) });
    sc.addTarget({ id: 'good', url: urlOf(good) });
    const [bad, ok] = await Promise.all([sc.scrapeOnce('bad'), sc.scrapeOnce('good')]);
    assert.equal(bad.health, 'down');
    assert.equal(bad.lastError, 'exposition line 2: unterminated label value of a');
    assert.equal(ok.health, 'up');
    assert.deepEqual(outcomeOf(batches, 'bad'), ['parse_error', 'DWCP_EXPOSITION_PARSE', undefined]);
    assert.deepEqual(outcomeOf(batches, 'good'), ['success', undefined, undefined]);
    const badBatch = batches.find((b) => b.target.id === 'bad')!;
    assert.deepEqual(
      badBatch.samples.map((s) => [s.name, s.value]),
      [
        ['up', 0],
        ['scrape_duration_seconds', badBatch.samples[1]!.value],
        ['scrape_samples_scraped', 0],
      ],
      'a failed scrape delivers only synthetic samples with up == 0',
    );
  });

  it('times out a hanging target without delaying the others', async () => {
    const batches: Batch[] = [];
    const sc = makeScraper(batches);
    // "Not delayed" is an order, not a wall time: the good scrape ends while the hanging one still waits for its
    // timeout (a bound in ms would fail when the machine is loaded).
    sc.addTarget({ id: 'hang', url: urlOf(hanging), timeoutMs: 1000 });
    sc.addTarget({ id: 'good', url: urlOf(good) });
    const finished: string[] = [];
    const hangDone = sc.scrapeOnce('hang').then((s) => (finished.push('hang'), s));
    const g = await sc.scrapeOnce('good').then((s) => (finished.push('good'), s));
    const hang = await hangDone;
    assert.equal(hang.health, 'down');
    assert.equal(hang.lastError, 'scrape timed out after 1000 ms');
    assert.deepEqual(outcomeOf(batches, 'hang'), ['timeout', 'DWCP_SCRAPE_TIMEOUT', undefined]);
    assert.ok(hang.lastScrapeDurationMs! >= 990, `hanging scrape took ${hang.lastScrapeDurationMs} ms`);
    assert.equal(g.health, 'up');
    assert.deepEqual(finished, ['good', 'hang'], 'the good target finished before the hanging one timed out');
  });

  it('reports HTTP 500, connection refused and an oversize body', async () => {
    const batches: Batch[] = [];
    const sc = makeScraper(batches);
    sc.addTarget({ id: 'e500', url: urlOf(failing) });
    sc.addTarget({ id: 'refused', url: refusedUrl });
    sc.addTarget({ id: 'big', url: urlOf(big), maxBodyBytes: 1000 });
    assert.deepEqual(
      [(await sc.scrapeOnce('e500')).health, sc.status('e500').lastError],
      ['down', 'HTTP 500'],
    );
    assert.deepEqual(
      [(await sc.scrapeOnce('refused')).health, sc.status('refused').lastError],
      ['down', 'connection refused'],
    );
    assert.deepEqual(
      [(await sc.scrapeOnce('big')).health, sc.status('big').lastError],
      ['down', 'response body exceeds the limit of 1000 bytes'],
    );
    assert.deepEqual(outcomeOf(batches, 'e500'), ['http_error', 'DWCP_SCRAPE_FAILED', 500]);
    assert.deepEqual(outcomeOf(batches, 'refused'), ['connection_error', 'DWCP_SCRAPE_FAILED', undefined]);
    assert.deepEqual(outcomeOf(batches, 'big'), ['body_too_large', 'DWCP_PAYLOAD_TOO_LARGE', undefined]);
  });

  it('asks for the credentials before each scrape and fails the scrape, naming the file, when they cannot be read', async () => {
    const batches: Batch[] = [];
    const sc = makeScraper(batches);
    let asked = 0;
    sc.addTarget({ id: 'ok', url: urlOf(good), authorization: () => Promise.resolve(`Bearer t${++asked}`) });
    sc.addTarget({
      id: 'nofile',
      url: urlOf(good),
      authorization: () => Promise.reject(new Error('cannot read bearerTokenFile /run/secrets/x: ENOENT')),
    });
    await sc.scrapeOnce('ok');
    await sc.scrapeOnce('ok');
    assert.equal(asked, 2);
    assert.equal(sc.status('ok').health, 'up');
    assert.deepEqual(
      [(await sc.scrapeOnce('nofile')).health, sc.status('nofile').lastError],
      ['down', 'cannot read bearerTokenFile /run/secrets/x: ENOENT'],
    );
    assert.equal(outcomeOf(batches, 'nofile')[0], 'source_error');
  });

  it('rejects an oversize body of a small limit', async () => {
    const batches: Batch[] = [];
    const sc = makeScraper(batches);
    sc.addTarget({ id: 'good', url: urlOf(good), maxBodyBytes: 10 });
    const st = await sc.scrapeOnce('good');
    assert.equal(st.health, 'down');
    assert.match(st.lastError!, /^response body.* exceeds the limit of 10 bytes$/);
    assert.deepEqual(outcomeOf(batches, 'good'), ['body_too_large', 'DWCP_PAYLOAD_TOO_LARGE', undefined]);
  });

  it('runs schedules with start()/stop(), no overlap, and leaves no timers behind', async () => {
    const batches: Batch[] = [];
    const sc = makeScraper(batches);
    // The good target's timeout is far above its interval: a scrape that timed out on a loaded machine could end
    // before its request reached the server, and the server's count below would miss it.
    sc.addTarget({ id: 'good', url: urlOf(good), intervalMs: 20, timeoutMs: 10_000 });
    sc.addTarget({ id: 'hang', url: urlOf(hanging), intervalMs: 20, timeoutMs: 150 });
    const before = scrapesOfGood;
    const count = (id: string) => batches.filter((b) => b.target.id === id).length;
    // Runs until the good target has 3 scrapes (and at least 200 ms), however long a loaded machine takes.
    const t0 = performance.now();
    sc.start();
    const deadline = Date.now() + 10_000;
    while ((count('good') < 3 || performance.now() - t0 < 200) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const ranMs = performance.now() - t0;
    await sc.stop();
    const goodScrapes = count('good');
    const hangScrapes = count('hang');
    assert.ok(goodScrapes >= 3, `good scraped ${goodScrapes} times in ${ranMs} ms`);
    assert.deepEqual(
      new Set(batches.filter((b) => b.target.id === 'good').map((b) => b.outcome.result)),
      new Set(['success']),
    );
    // Without overlap each hanging scrape holds its target for its 150 ms timeout: at most one start per 150 ms.
    const maxHang = Math.floor(ranMs / 150) + 1;
    assert.ok(
      hangScrapes >= 1 && hangScrapes <= maxHang,
      `hanging target scraped ${hangScrapes} times in ${ranMs} ms (at most ${maxHang} without overlap)`,
    );
    assert.equal(scrapesOfGood - before, goodScrapes);
    const settled = batches.length;
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(batches.length, settled, 'no scrape after stop()');
  });

  it('scrapes in-process targets and reports their errors', async () => {
    const batches: Batch[] = [];
    const sc = makeScraper(batches);
    let fail = false;
    sc.addTarget({
      id: 'host',
      labels: { node: 'n1' },
      source: {
        collect: (now) => {
          if (fail) throw new Error('proc unreadable');
          return [{ name: 'dwcp_host_memory_used_bytes', labels: {}, value: 1, timestampMs: now }];
        },
      },
    });
    const ok = await sc.scrapeOnce('host');
    assert.equal(ok.health, 'up');
    assert.equal(ok.url, 'inprocess://host');
    assert.deepEqual(batches[0]!.samples[0], {
      name: 'dwcp_host_memory_used_bytes',
      labels: { job: 'dwcp', instance: 'host', node: 'n1' },
      value: 1,
      timestampMs: NOW,
    });
    assert.equal(batches[0]!.types.size, 0, 'in-process targets declare no types');
    fail = true;
    const down = await sc.scrapeOnce('host');
    assert.equal(down.health, 'down');
    assert.equal(down.lastError, 'proc unreadable');
    assert.deepEqual(outcomeOf(batches, 'host'), ['source_error', 'DWCP_SCRAPE_FAILED', undefined]);
  });

  it('rejects bad configuration and unknown ids; keeps the target count bounded', async () => {
    const sc = new Scraper({ onSamples: () => undefined, maxTargets: 2 });
    assert.throws(() => sc.addTarget({ id: 'a', url: 'not a url' }), ConfigError);
    assert.throws(() => sc.addTarget({ id: 'a', url: 'ftp://x/' }), /must be http\(s\)/);
    assert.throws(
      () => sc.addTarget({ id: 'a', url: 'http://127.0.0.1:1/', intervalMs: 0 }),
      /intervalMs must be >= 10/,
    );
    assert.throws(
      () => sc.addTarget({ id: 'a', url: 'http://127.0.0.1:1/', timeoutMs: -1 }),
      /timeoutMs must be > 0/,
    );
    assert.throws(
      () => sc.addTarget({ id: 'a', url: 'http://127.0.0.1:1/', maxBodyBytes: 0 }),
      /maxBodyBytes/,
    );
    assert.throws(() => sc.addTarget({ id: '', url: 'http://127.0.0.1:1/' }), /non-empty/);
    sc.addTarget({ id: 'a', url: 'http://127.0.0.1:1/' });
    assert.throws(() => sc.addTarget({ id: 'a', url: 'http://127.0.0.1:1/' }), /duplicate target id a/);
    sc.addTarget({ id: 'b', url: 'http://127.0.0.1:1/' });
    assert.throws(() => sc.addTarget({ id: 'c', url: 'http://127.0.0.1:1/' }), /at most 2 targets/);
    assert.equal(sc.targets().length, 2);
    assert.throws(() => sc.status('zzz'), NotFoundError);
    assert.throws(() => sc.scrapeOnce('zzz'), NotFoundError);
    sc.removeTarget('a');
    assert.deepEqual(
      sc.targets().map((t) => t.id),
      ['b'],
    );
    assert.equal(sc.status('b').health, 'unknown');
  });

  it('reports onSamples failures through onError without changing health', async () => {
    const errors: unknown[] = [];
    const sc = new Scraper({
      onSamples: () => {
        throw new Error('store down');
      },
      onError: (_t, e) => errors.push(e),
    });
    sc.addTarget({ id: 'good', url: urlOf(good) });
    const st = await sc.scrapeOnce('good');
    assert.equal(st.health, 'up');
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /store down/);
  });

  it('a target over a limit is down with the limit as its error; the others are untouched', async () => {
    const batches: Batch[] = [];
    const sc = new Scraper({
      onSamples: (target, samples, startMs, outcome, types) =>
        void batches.push({ target, samples, startMs, outcome, types }),
      now: () => NOW,
      limits: { sampleLimit: 1000, labelLimit: 10, labelNameLengthLimit: 100, labelValueLengthLimit: 100 },
    });
    sc.addTarget({ id: 'capped', url: urlOf(good), limits: { sampleLimit: 1 } });
    sc.addTarget({ id: 'labels', url: urlOf(good), labels: { region: 'r'.repeat(101) } });
    sc.addTarget({ id: 'fine', url: urlOf(good) });
    const [capped, labels, fine] = await Promise.all([
      sc.scrapeOnce('capped'),
      sc.scrapeOnce('labels'),
      sc.scrapeOnce('fine'),
    ]);
    assert.deepEqual(
      [capped.health, capped.lastError],
      ['down', 'sample limit exceeded (2 samples, limit: 1)'],
    );
    assert.deepEqual(outcomeOf(batches, 'capped'), ['sample_limit', 'DWCP_LIMIT_EXCEEDED', undefined]);
    const cappedBatch = batches.find((b) => b.target.id === 'capped')!;
    assert.deepEqual(
      cappedBatch.samples.map((x) => [x.name, x.value]),
      [
        ['up', 0],
        ['scrape_duration_seconds', cappedBatch.samples[1]!.value],
        ['scrape_samples_scraped', 2],
      ],
      'no sample of the scrape is kept',
    );
    assert.equal(labels.health, 'down');
    assert.match(
      labels.lastError ?? '',
      /^label_value_length_limit exceeded \(metric: dwcp_x, label name: "region"/,
    );
    assert.deepEqual([fine.health, fine.lastError, fine.samplesLastScrape], ['up', null, 2]);
    assert.throws(
      () => sc.addTarget({ id: 'bad', url: urlOf(good), limits: { labelLimit: -1 } }),
      ConfigError,
    );
  });

  it("the receiver's verdict becomes the target's warning; a skipped scrape leaves health as it was", async () => {
    const batches: Batch[] = [];
    const overloads: number[] = [];
    const sc = new Scraper({
      onSamples: (target, samples, startMs, outcome, types) => {
        batches.push({ target, samples, startMs, outcome, types });
        return { warning: samples.length > 0 ? '3 samples of new series refused' : null };
      },
      onOverload: (_t, lateMs) => void overloads.push(lateMs),
      now: () => NOW,
      // above a loaded machine's timer lateness (tens of ms), below the 400 ms the busy loop below makes
      overloadToleranceMs: 250,
    });
    const hangUrl = urlOf(hanging);
    sc.addTarget({ id: 'node', url: hangUrl, timeoutMs: 100 });
    const first = await sc.scrapeOnce('node');
    assert.deepEqual(
      [first.health, first.lastError],
      ['down', 'scrape timed out after 100 ms'],
      'a target that does not answer on an idle monitor is down',
    );
    assert.equal(first.warning, '3 samples of new series refused');
    const pending = sc.scrapeOnce('node');
    const end = performance.now() + 500;
    while (performance.now() < end) {
      // the monitor is saturated past the scrape deadline
    }
    const second = await pending;
    assert.equal(second, first, 'status unchanged');
    assert.deepEqual(outcomeOf(batches, 'node'), ['skipped_overload', undefined, undefined]);
    assert.deepEqual(batches.at(-1)!.samples, [], 'no up sample for a skipped scrape');
    assert.equal(overloads.length, 1);
    assert.ok(overloads[0]! >= 300);
  });

  it('honorLabels: exposed job and instance win over the target labels, empty exposed values drop the label', async () => {
    const pushed = await listen((_q, r) =>
      r.end('batch_done{job="nightly",instance=""} 1\nbatch_rows{job="nightly",instance="db-1"} 5\n'),
    );
    try {
      const batches: Batch[] = [];
      const sc = makeScraper(batches);
      sc.addTarget({
        id: 'honor',
        url: urlOf(pushed),
        honorLabels: true,
        labels: { job: 'pushgateway', region: 'eu' },
      });
      sc.addTarget({ id: 'plain', url: urlOf(pushed), labels: { job: 'pushgateway' } });
      await sc.scrapeOnce('honor');
      await sc.scrapeOnce('plain');
      const host = new URL(urlOf(pushed)).host;
      const of = (id: string) =>
        batches
          .find((b) => b.target.id === id)!
          .samples.filter((x) => x.name.startsWith('batch_'))
          .map((x) => x.labels);
      assert.deepEqual(of('honor'), [
        { job: 'nightly', region: 'eu' },
        { job: 'nightly', instance: 'db-1', region: 'eu' },
      ]);
      assert.deepEqual(of('plain')[1], {
        exported_job: 'nightly',
        exported_instance: 'db-1',
        job: 'pushgateway',
        instance: host,
      });
    } finally {
      await close(pushed);
    }
  });
});
