/**
 * Report generation time for a day of data: a SQLite store (file in a temp directory) is filled with a day and
 * a half of simulated history (every sample of `--nodes` simulated DWCP nodes, scraped every `--step` seconds,
 * so the previous day exists for the top changes) and 40 anomalies; then the daily report is gathered and
 * rendered as HTML, Markdown and PDF (Debian's Chromium), each timed; the gathering is timed on its own.
 *
 * Run: `npm run bench:reports -- [--nodes 3] [--step 60]`. Writes bench/results/reports.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCapacityProvider } from '../src/monitor/capacity-provider.ts';
import { createInsightsProvider } from '../src/monitor/rollout-provider.ts';
import { lastCompletePeriod } from '../src/reports/range.ts';
import { gatherReportData } from '../src/reports/report-data.ts';
import { renderReport } from '../src/reports/report-service.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { addAnomalies, fillHistory } from '../test/helpers/sim-history.ts';
import { markdownTable } from './table.ts';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const NODES = arg('nodes', 3);
const STEP_S = arg('step', 60);
const REGIONS = ['us-east', 'eu-west', 'ap-south'];
const DAY = 86_400_000;

const dir = mkdtempSync(join(tmpdir(), 'dwcp-bench-reports-'));
try {
  const now = Date.UTC(2026, 2, 4, 0, 30);
  const { fromMs, toMs } = lastCompletePeriod('daily', now);
  const store = await openSqliteStore({ path: join(dir, 'bench.db'), retentionMs: 30 * DAY });
  const f0 = performance.now();
  const samples = await fillHistory(store, {
    nodes: NODES,
    regions: REGIONS,
    fromMs: fromMs - DAY / 2,
    toMs,
    stepMs: STEP_S * 1000,
  });
  await addAnomalies(store, fromMs, toMs, 40, REGIONS);
  const fillS = (performance.now() - f0) / 1000;
  const sources = {
    insights: createInsightsProvider(store),
    capacity: createCapacityProvider(store),
    anomalies: store,
    samples: store,
  };

  const g0 = performance.now();
  const data = await gatherReportData(sources, { fromMs, toMs }, 'daily', now);
  const gatherMs = performance.now() - g0;
  const rows: string[][] = [['gather (store reads and analysis)', gatherMs.toFixed(0), '']];
  const result: Record<string, { ms: number; bytes: number }> = {};
  for (const format of ['html', 'md', 'pdf'] as const) {
    const t0 = performance.now();
    const doc = await renderReport(data, format, '/usr/bin/chromium');
    const ms = performance.now() - t0;
    result[format] = { ms, bytes: doc.length };
    rows.push([`render ${format}`, ms.toFixed(0), `${(doc.length / 1024).toFixed(1)} KiB`]);
  }
  rows.push(['daily report, gather + pdf', (gatherMs + result.pdf!.ms).toFixed(0), '']);
  process.stdout.write(
    markdownTable(
      `Daily report over a day of data (${NODES} nodes, scraped every ${STEP_S} s: ${(samples / 1e6).toFixed(2)} M samples stored for 1.5 days in ${fillS.toFixed(0)} s; 40 anomalies)`,
      ['step', 'ms', 'output'],
      rows,
      `sections: ${data.slos.length} SLOs, ${data.anomalies.total} anomalies, ${data.regions.length} regions, ${data.capacity.length} capacity plans, ${data.topChanges.length} top changes; warnings: ${data.warnings.length}`,
    ),
  );
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    'bench/results/reports.json',
    JSON.stringify(
      {
        nodes: NODES,
        stepSeconds: STEP_S,
        samples,
        fillSeconds: fillS,
        gatherMs,
        render: result,
        warnings: data.warnings,
      },
      null,
      2,
    ) + '\n',
  );
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
