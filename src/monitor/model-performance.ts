/** Reads the last `npm run bench:detect` report from disk for GET /api/models/performance. */
import { readFile, stat } from 'node:fs/promises';
import { ModelPerformanceReportSchema, type ModelPerformanceReport } from '../contract/models.ts';
import { InvalidInputError, PayloadTooLargeError } from '../errors.ts';

/** Largest report accepted (a full run writes ~200 KB). */
export const MAX_REPORT_BYTES = 8 * 1024 * 1024;

/** Where the report is read from, and the reader. */
export interface ModelPerformanceFile {
  /** The path, shown to users. */
  readonly location: string;
  /** The report, or null when the file does not exist yet. */
  read(): Promise<ModelPerformanceReport | null>;
}

/**
 * A source reading `path` on every call (the file changes when the benchmark runs again). Missing file → null.
 * The report must have the sections of src/contract/models.ts (`generatedAt`, `nab`, `dwcp`, `cost`).
 * @throws PayloadTooLargeError over {@link MAX_REPORT_BYTES}; InvalidInputError for malformed JSON or a
 *   report without the benchmark's top-level sections.
 */
export function fileModelPerformance(path: string): ModelPerformanceFile {
  return {
    location: path,
    async read(): Promise<ModelPerformanceReport | null> {
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
      if (size > MAX_REPORT_BYTES)
        throw new PayloadTooLargeError(MAX_REPORT_BYTES, `benchmark report ${path} (${size} bytes)`);
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(path, 'utf8'));
      } catch (e) {
        throw new InvalidInputError(
          `benchmark report ${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      const report = ModelPerformanceReportSchema.safeParse(raw);
      if (!report.success) {
        throw new InvalidInputError(
          `benchmark report ${path} lacks generatedAt/nab/dwcp/cost: not a bench:detect report`,
        );
      }
      return report.data;
    },
  };
}
