/**
 * Reports end to end over a real SQLite store filled with simulated history: HTML, Markdown and a PDF printed
 * by Debian's Chromium whose pages are rendered with pdftoppm (each must have ink) and whose text (pdftotext)
 * has every section heading; range errors; the scheduler; and the report store's limits on both backends.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvalidInputError, PayloadTooLargeError } from '../../src/errors.ts';
import { createCapacityProvider } from '../../src/monitor/capacity-provider.ts';
import { createInsightsProvider } from '../../src/monitor/rollout-provider.ts';
import { lastCompletePeriod } from '../../src/reports/range.ts';
import { REPORT_HEADINGS } from '../../src/reports/render-html.ts';
import { ReportService } from '../../src/reports/report-service.ts';
import { ReportStore } from '../../src/reports/report-store.ts';
import { ReportScheduler } from '../../src/reports/scheduler.ts';
import { openSqliteStore, type OpenedStore } from '../../src/store/sqlite.ts';
import type { SystemDbLocation } from '../../src/store/system-db.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { dropSchema, freshSchema, PG_URL, pgSkipReason } from '../helpers/postgres.ts';
import { addAnomalies, fillHistory } from '../helpers/sim-history.ts';

const chromium = requireBinary('chromium');
const pdftoppm = requireBinary('pdftoppm');
const pdftotext = requireBinary('pdftotext');

const HOUR = 3_600_000;
/** A fixed "now": 10:05 UTC, so the last complete hour is 09:00-10:00. */
const NOW = Date.UTC(2026, 2, 3, 10, 5, 0);
const REGIONS = ['us-east', 'eu-west'];

/** Share of pixels darker than near-white in a binary PGM (P5) image. */
function inkShare(pgm: Buffer): number {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 50).toString('latin1'));
  assert.ok(header, 'a P5 PGM');
  const [, w, h] = header.map(Number);
  const pixels = pgm.subarray(header[0].length);
  let dark = 0;
  for (let i = 0; i < w! * h!; i++) if (pixels[i]! < 230) dark++;
  return dark / (w! * h!);
}

describe('reports over stored history', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-reports-'));
  let store: OpenedStore;
  let reports: ReportStore;
  let service: ReportService;

  before(async () => {
    store = await openSqliteStore({ path: join(dir, 'monitor.db'), retentionMs: 7 * 24 * HOUR });
    await fillHistory(store, {
      nodes: 2,
      regions: REGIONS,
      fromMs: NOW - 2 * HOUR - 5 * 60_000,
      toMs: NOW,
      stepMs: 30_000,
    });
    await addAnomalies(store, NOW - HOUR - 5 * 60_000, NOW - 10 * 60_000, 7, REGIONS);
    reports = await ReportStore.open({ type: 'sqlite', path: join(dir, 'monitor.db') });
    service = new ReportService({
      sources: {
        insights: createInsightsProvider(store),
        capacity: createCapacityProvider(store),
        anomalies: store,
        samples: store,
      },
      store: reports,
      now: () => NOW,
      ...(chromium ? { chromiumPath: chromium } : {}),
    });
  });
  after(async () => {
    await reports?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders HTML and Markdown with every section and the period figures', async () => {
    const { fromMs, toMs } = lastCompletePeriod('hourly', NOW);
    const { data, documents } = await service.render(fromMs, toMs, 'hourly', ['html', 'md']);
    assert.equal(data.title, 'Hourly DWCP report');
    assert.equal(data.anomalies.total, 7);
    assert.deepEqual(data.anomalies.regions, REGIONS.slice().sort());
    assert.ok(data.slos.length > 0);
    assert.ok(data.topChanges.length > 0, 'the previous hour is stored too, so changes exist');
    assert.ok(data.regions.length === 2, JSON.stringify(data.regions));
    const html = documents.find((d) => d.format === 'html')!.content.toString();
    const md = documents.find((d) => d.format === 'md')!.content.toString();
    for (const h of REPORT_HEADINGS) {
      assert.ok(html.includes(`<h2>${h}</h2>`), `HTML has ${h}`);
      assert.ok(md.includes(`## ${h}`), `Markdown has ${h}`);
    }
    assert.match(html, /<svg [^>]*aria-label="Anomalies by component"/);
    assert.match(html, /<svg [^>]*aria-label="v3 improvement over v1 \(%\)"/);
    assert.doesNotMatch(html, /<script/i);
    assert.match(md, /2026-03-03T09:00:00Z – 2026-03-03T10:00:00Z/);
    // the figures of the top changes carry their units in both documents
    const withUnits = data.topChanges.filter((c) => c.unit !== '' && c.current !== null);
    assert.ok(withUnits.length > 0, JSON.stringify(data.topChanges));
    for (const c of withUnits) {
      const row = md.split('\n').find((l) => l.startsWith(`| ${c.metric} |`));
      assert.ok(row?.includes(` ${c.unit} |`), `${c.metric}: ${row}`);
      assert.ok(html.includes(`<td>${c.metric}</td>`), c.metric);
    }
    assert.match(html, /<td>[-\d.e+]+ (B\/s|B|s|%|\/s)<\/td>/);
  });

  it(
    'prints a PDF whose pages all have ink and whose text has every heading',
    { skip: chromium && pdftoppm && pdftotext ? false : 'chromium or poppler-utils not found (outside CI)' },
    async () => {
      const { fromMs, toMs } = lastCompletePeriod('hourly', NOW);
      const stored = await service.generate(fromMs, toMs, 'hourly', ['pdf']);
      assert.equal(stored.length, 1);
      const { content } = await reports.get(stored[0]!.id);
      assert.equal(content.subarray(0, 5).toString(), '%PDF-');
      const pdf = join(dir, 'report.pdf');
      writeFileSync(pdf, content);
      execFileSync(pdftoppm!, ['-gray', '-r', '30', pdf, join(dir, 'page')]);
      const pages = readdirSync(dir).filter((f) => f.startsWith('page') && f.endsWith('.pgm'));
      assert.ok(pages.length >= 2, `${pages.length} pages`);
      for (const p of pages) {
        const ink = inkShare(readFileSync(join(dir, p)));
        assert.ok(ink > 0.005, `${p} is blank (${(ink * 100).toFixed(2)} % ink)`);
      }
      const text = execFileSync(pdftotext!, ['-layout', pdf, '-']).toString();
      for (const h of ['Hourly DWCP report', ...REPORT_HEADINGS])
        assert.ok(text.includes(h), `PDF text has "${h}"`);
    },
  );

  it('refuses empty, reversed, too long and future ranges with clear errors', async () => {
    await assert.rejects(
      service.render(NOW - HOUR, NOW - HOUR, 'custom', ['html']),
      (e: unknown) => e instanceof InvalidInputError && /range is empty/.test(e.message),
    );
    await assert.rejects(
      service.render(NOW - HOUR, NOW - 2 * HOUR, 'custom', ['html']),
      (e: unknown) => e instanceof InvalidInputError && /reversed: to \(.*\) is before from/.test(e.message),
    );
    await assert.rejects(
      service.render(NOW - 40 * 24 * HOUR, NOW, 'custom', ['html']),
      /longer than 31 days/,
    );
    await assert.rejects(service.render(NOW, NOW + HOUR, 'custom', ['html']), /in the future/);
  });

  it('the scheduler generates the last hour once, and not again for the same period', async () => {
    const sched = new ReportScheduler({
      service,
      store: reports,
      kinds: ['hourly'],
      formats: ['html', 'md'],
      delayMs: 60_000,
      now: () => NOW,
    });
    const first = await sched.runNow('hourly');
    assert.deepEqual(first.map((r) => r.format).sort(), ['html', 'md']);
    assert.deepEqual(await sched.runNow('hourly'), []);
    const listed = await reports.list({ limit: 10, kind: 'hourly' });
    assert.ok(
      listed.some(
        (r) =>
          r.format === 'md' && r.fromMs === Date.UTC(2026, 2, 3, 9) && r.toMs === Date.UTC(2026, 2, 3, 10),
      ),
    );
    await sched.stop();
  });
});

function storeSuite(
  backend: string,
  loc: () => Promise<SystemDbLocation | string>,
  cleanup: (l: SystemDbLocation) => Promise<void>,
): void {
  describe(`report store (${backend})`, () => {
    let l: SystemDbLocation | string;
    before(async () => {
      l = await loc();
    });
    after(async () => {
      if (typeof l !== 'string') await cleanup(l);
    });
    it('keeps at most maxReports and maxBytes, newest first', async (t) => {
      if (typeof l === 'string') return t.skip(l);
      const s = await ReportStore.open(l, { maxReports: 3, maxBytes: 1000 });
      try {
        for (let i = 0; i < 5; i++) {
          await s.insert({
            kind: 'daily',
            format: 'md',
            title: `r${i}`,
            fromMs: i * 1000,
            toMs: i * 1000 + 500,
            createdAtMs: 1_000_000 + i,
            generationMs: 12,
            content: Buffer.alloc(100, 65),
          });
        }
        assert.deepEqual(
          (await s.list({ limit: 10 })).map((r) => r.title),
          ['r4', 'r3', 'r2'],
        );
        assert.equal((await s.get((await s.list({ limit: 1 }))[0]!.id)).content.toString(), 'A'.repeat(100));
        await s.insert({
          kind: 'weekly',
          format: 'pdf',
          title: 'big',
          fromMs: 0,
          toMs: 1,
          createdAtMs: 2_000_000,
          generationMs: 1,
          content: Buffer.alloc(950),
        });
        const u = await s.usage();
        assert.ok(u.bytes <= 1000 && u.reports === 1, JSON.stringify(u));
        await assert.rejects(
          s.insert({
            kind: 'weekly',
            format: 'pdf',
            title: 'huge',
            fromMs: 0,
            toMs: 1,
            createdAtMs: 1,
            generationMs: 1,
            content: Buffer.alloc(1001),
          }),
          PayloadTooLargeError,
        );
        await assert.rejects(
          s.insert({
            kind: 'monthly' as 'daily',
            format: 'pdf',
            title: 'x',
            fromMs: 0,
            toMs: 1,
            createdAtMs: 1,
            generationMs: 1,
            content: Buffer.alloc(1),
          }),
          InvalidInputError,
        );
        assert.equal(await s.exists('weekly', 'pdf', 0, 1), true);
        assert.equal(await s.exists('weekly', 'html', 0, 1), false);
      } finally {
        await s.close();
      }
    });
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'dwcp-report-store-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
storeSuite(
  'sqlite',
  async () => ({ type: 'sqlite', path: join(tmp, 'r.db') }),
  async () => undefined,
);
storeSuite(
  'postgres',
  async () => (await pgSkipReason()) ?? { type: 'postgres', url: PG_URL, schema: freshSchema('rep') },
  (l) => (l.type === 'postgres' && l.schema ? dropSchema(l.schema) : Promise.resolve()),
);
