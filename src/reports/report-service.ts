/**
 * Generating reports: gather the period's data once, render each requested format (HTML, Markdown, PDF via
 * Chromium), and store them (when a store is given). Used by the API (on demand), the scheduler (hourly, daily,
 * weekly) and the `dwcp-monitor report` command.
 */
import { performance } from 'node:perf_hooks';
import { ConfigError } from '../errors.ts';
import { checkReportRange, type ReportFormat, type ReportKind, type ReportRange } from './range.ts';
import { gatherReportData, type GatherOptions, type ReportData, type ReportSources } from './report-data.ts';
import type { ReportStore, StoredReportInfo } from './report-store.ts';
import { renderReportHtml } from './render-html.ts';
import { renderReportMarkdown } from './render-md.ts';
import { renderPdf } from './render-pdf.ts';

/** Content types of the formats. */
export const REPORT_CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  html: 'text/html; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  pdf: 'application/pdf',
};

/** One rendered document. */
export interface RenderedReport {
  readonly format: ReportFormat;
  readonly content: Buffer;
  /** Time of this format's rendering plus the shared gathering, ms. */
  readonly generationMs: number;
}

/** Options of {@link ReportService}. */
export interface ReportServiceOptions {
  readonly sources: ReportSources;
  readonly store?: ReportStore;
  readonly chromiumPath?: string;
  readonly gather?: GatherOptions;
  /** Wall clock, Unix ms. */
  readonly now?: () => number;
}

/** Renders `data` in one format. */
export async function renderReport(
  data: ReportData,
  format: ReportFormat,
  chromiumPath?: string,
): Promise<Buffer> {
  switch (format) {
    case 'html':
      return Buffer.from(renderReportHtml(data));
    case 'md':
      return Buffer.from(renderReportMarkdown(data));
    case 'pdf':
      return renderPdf(renderReportHtml(data), chromiumPath ? { chromiumPath } : {});
  }
}

/** Report generation. */
export class ReportService {
  private readonly now: () => number;
  constructor(private readonly opts: ReportServiceOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Whether generated reports are stored. */
  get stores(): boolean {
    return this.opts.store !== undefined;
  }

  /**
   * Gathers and renders a period in each format (not stored).
   * @throws InvalidInputError for an empty, reversed, too long or future range; the renderers' errors.
   */
  async render(
    fromMs: number,
    toMs: number,
    kind: ReportKind,
    formats: readonly ReportFormat[],
  ): Promise<{ data: ReportData; documents: RenderedReport[] }> {
    const range: ReportRange = checkReportRange(fromMs, toMs, this.now());
    const t0 = performance.now();
    const data = await gatherReportData(this.opts.sources, range, kind, this.now(), this.opts.gather);
    const gatherMs = performance.now() - t0;
    const documents: RenderedReport[] = [];
    for (const format of new Set(formats)) {
      const t1 = performance.now();
      const content = await renderReport(data, format, this.opts.chromiumPath);
      documents.push({ format, content, generationMs: gatherMs + (performance.now() - t1) });
    }
    return { data, documents };
  }

  /**
   * Renders and stores a period in each format.
   * @throws InvalidInputError for a bad range; StoreError; the renderers' errors.
   */
  async generate(
    fromMs: number,
    toMs: number,
    kind: ReportKind,
    formats: readonly ReportFormat[],
  ): Promise<StoredReportInfo[]> {
    const store = this.opts.store;
    if (!store) throw new ConfigError('report storage is not configured');
    const { data, documents } = await this.render(fromMs, toMs, kind, formats);
    const out: StoredReportInfo[] = [];
    for (const d of documents) {
      out.push(
        await store.insert({
          kind,
          format: d.format,
          title: data.title,
          fromMs: data.range.fromMs,
          toMs: data.range.toMs,
          createdAtMs: this.now(),
          generationMs: d.generationMs,
          content: d.content,
        }),
      );
    }
    return out;
  }
}
