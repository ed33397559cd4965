/**
 * Rendering console pages to PNG/PDF with headless Chromium: a page is captured once it marks itself ready,
 * requests to other origins are refused, a page that never becomes ready fails within the timeout, renders are
 * bounded (running and waiting), and a missing Chromium is a clear UnavailableError.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { LimitExceededError, UnavailableError } from '../../../src/errors.ts';
import { PageRenderer } from '../../../src/reports/render-page.ts';
import { requireBinary } from '../../helpers/binaries.ts';

const chromiumPath = requireBinary('chromium');

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('PageRenderer', () => {
  it('refuses with UnavailableError when Chromium is missing', async () => {
    const r = new PageRenderer({ chromiumPath: '/nonexistent/chromium' });
    await assert.rejects(
      r.render('http://127.0.0.1:1/', 'png', 'body'),
      (e: unknown) => e instanceof UnavailableError && /Chromium/.test(e.message),
    );
  });

  describe('with Chromium', { skip: chromiumPath ? false : 'chromium not found (outside CI)' }, () => {
    let page: Server;
    let other: Server;
    let base = '';
    let otherHits = 0;
    before(async () => {
      other = createServer((_req, res) => {
        otherHits++;
        res.end('x');
      });
      const otherBase = await listen(other);
      page = createServer((req, res) => {
        res.setHeader('content-type', 'text/html');
        if (req.url === '/never') return res.end('<h1>never ready</h1>');
        res.end(
          `<h1>Ready page</h1><img src="${otherBase}/pixel.png"><script>setTimeout(() => document.body.dataset.ready = '1', 200)</script>`,
        );
      });
      base = await listen(page);
    });
    after(() => {
      page.close();
      other.close();
    });

    it('captures PNG and PDF once ready, and refuses requests to other origins', async () => {
      const r = new PageRenderer({ chromiumPath: chromiumPath!, timeoutMs: 20_000 });
      const png = await r.render(`${base}/`, 'png', '[data-ready]');
      assert.equal(png.subarray(1, 4).toString(), 'PNG');
      const pdf = await r.render(`${base}/`, 'pdf', '[data-ready]');
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
      assert.equal(otherHits, 0, 'the other origin was never contacted');
      assert.deepEqual(r.load, { running: 0, waiting: 0 });
    });

    it('bounds renders: one running, one waiting, the next refused; a page never ready fails within the timeout', async () => {
      const r = new PageRenderer({
        chromiumPath: chromiumPath!,
        maxConcurrent: 1,
        maxQueued: 1,
        // the bound covers Chromium's launch too, which takes seconds on a loaded machine: long enough that the
        // page's readiness, not the launch, is what runs out
        timeoutMs: 10_000,
      });
      const first = r.render(`${base}/never`, 'png', '[data-ready]');
      const second = r.render(`${base}/never`, 'png', '[data-ready]');
      assert.deepEqual(r.load, { running: 1, waiting: 1 });
      await assert.rejects(r.render(`${base}/never`, 'png', '[data-ready]'), LimitExceededError);
      await assert.rejects(
        first,
        (e: unknown) => e instanceof UnavailableError && /within 10000 ms/.test(e.message),
      );
      await assert.rejects(second, UnavailableError);
      assert.deepEqual(r.load, { running: 0, waiting: 0 });
    });
  });
});
