/**
 * Reports as the API uses them: list and read stored reports, and generate (and store) an on-demand report of a
 * range, kind `custom`.
 */
import type { ReportFormat, ReportKind } from './range.ts';
import type { ReportService } from './report-service.ts';
import type { ReportStore, StoredReportInfo } from './report-store.ts';

/** The API's view of reports. */
export interface ReportsAccess {
  list(filter: { readonly kind?: ReportKind; readonly limit: number }): Promise<StoredReportInfo[]>;
  get(id: number): Promise<{ readonly info: StoredReportInfo; readonly content: Buffer }>;
  generate(fromMs: number, toMs: number, formats: readonly ReportFormat[]): Promise<StoredReportInfo[]>;
}

/** Wires the service and store. */
export function createReportsAccess(service: ReportService, store: ReportStore): ReportsAccess {
  return {
    list: (f) => store.list(f),
    get: (id) => store.get(id),
    generate: (fromMs, toMs, formats) => service.generate(fromMs, toMs, 'custom', formats),
  };
}
