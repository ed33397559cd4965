/** Reads the last `npm run bench:detect` report from disk for GET /api/models/performance. */
import { readFile, stat } from 'node:fs/promises';
import { InvalidInputError, PayloadTooLargeError } from '../errors.ts';
import type { ModelPerformanceSource } from '../server/deps.ts';

/** Largest report accepted (a full run writes ~200 KB). */
export const MAX_REPORT_BYTES = 8 * 1024 * 1024;

/**
 * A source reading `path` on every call (the file changes when the benchmark runs again). Missing file → null.
 * @throws PayloadTooLargeError over {@link MAX_REPORT_BYTES}; InvalidInputError for malformed JSON or a
 *   report without the benchmark's top-level sections.
 */
export function fileModelPerformance(path: string): ModelPerformanceSource {
  return {
    location: path,
    async read(): Promise<unknown> {
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
      if (size > MAX_REPORT_BYTES) throw new PayloadTooLargeError(MAX_REPORT_BYTES, `benchmark report ${path} (${size} bytes)`);
      let report: unknown;
      try {
        report = JSON.parse(await readFile(path, 'utf8'));
      } catch (e) {
        throw new InvalidInputError(`benchmark report ${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
      const r = report as { generatedAt?: unknown; nab?: unknown; dwcp?: unknown; cost?: unknown } | null;
      if (r === null || typeof r !== 'object' || typeof r.generatedAt !== 'string' || !('nab' in r) || !Array.isArray(r.dwcp) || !Array.isArray(r.cost)) {
        throw new InvalidInputError(`benchmark report ${path} lacks generatedAt/nab/dwcp/cost: not a bench:detect report`);
      }
      return report;
    },
  };
}
