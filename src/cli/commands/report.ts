/**
 * `dwcp-monitor report --from --to --format html|pdf|md`: a report of any period from the monitor's store (the
 * configuration's storage), written to --out or standard output; --store also keeps it in the report store.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { loadMonitorConfig, parseMonitorConfig, sqlLocation, type MonitorConfig } from '../../config.ts';
import { InvalidInputError } from '../../errors.ts';
import { REPORT_FORMATS, type ReportFormat } from '../../reports/range.ts';
import type { ReportStore } from '../../reports/report-store.ts';
import { parseTime } from '../../server/params.ts';
import type { OpenedStore } from '../../store/sqlite.ts';
import { parseDuration } from '../../model/duration.ts';
import { checkOutputFile } from '../flags.ts';
import { monitorFetch, readTokenFile } from '../monitor-client.ts';
import { exitCodeFor } from './detect.ts';

interface ReportFlags {
  from: string;
  to: string;
  format: ReportFormat;
  out?: string;
  config?: string;
  chromium?: string;
  store: boolean;
  url?: string;
  tokenFile?: string;
}

/** A report document as written: its bytes and how long it took to make, ms. */
interface WrittenDocument {
  readonly content: Uint8Array;
  readonly generationMs: number;
}

/**
 * Asks a running monitor for the report (POST /api/reports, which also keeps it in the monitor's report store),
 * then downloads its document (GET /api/reports/:id).
 * @throws Error with the monitor's own message (or how to pass a token) when a request fails
 */
export async function fetchReport(
  url: string,
  fromMs: number,
  toMs: number,
  format: ReportFormat,
  token?: string,
): Promise<WrittenDocument> {
  const auth = token === undefined ? {} : { token };
  const created = await monitorFetch({
    url,
    path: '/api/reports',
    method: 'POST',
    body: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), formats: [format] },
    role: 'editor',
    ...auth,
  });
  const body = (await created.json().catch(() => null)) as {
    data?: { id?: unknown; generationMs?: unknown }[];
  } | null;
  const info = body?.data?.[0];
  if (typeof info?.id !== 'number')
    throw new Error('monitor answered POST /api/reports with an unexpected body');
  const doc = await monitorFetch({ url, path: `/api/reports/${info.id}`, role: 'viewer', ...auth });
  return {
    content: new Uint8Array(await doc.arrayBuffer()),
    generationMs: typeof info.generationMs === 'number' ? info.generationMs : 0,
  };
}

/**
 * A report time: `now`, `now-<duration>` (e.g. `now-1h`), RFC3339 or Unix seconds.
 * @throws InvalidInputError naming the flag.
 */
export function parseReportTime(flag: string, text: string, nowMs: number): number {
  const t = text.trim();
  if (t === 'now') return nowMs;
  const rel = /^now-(.+)$/.exec(t);
  try {
    return rel ? nowMs - parseDuration(rel[1]!) : parseTime(t, '');
  } catch (e) {
    throw new InvalidInputError(
      `${flag} must be now, now-<duration> (e.g. now-1h), RFC3339 or Unix seconds, got '${text}' (${(e as Error).message})`,
    );
  }
}

async function openStore(c: MonitorConfig): Promise<OpenedStore> {
  const s = c.storage;
  if (s.type === 'sqlite' && s.path !== ':memory:' && !existsSync(s.path)) {
    throw new InvalidInputError(
      `no monitor database at ${s.path}: run the monitor first, or give --config with its storage`,
    );
  }
  if (s.type !== 'victoriametrics' && s.layout === 'chunks') {
    // Opening the chunks layout replays its WAL and checkpoints the head on close: beside a running monitor that
    // writes the same files; and the rows reader finds no series in it (every section would say "unavailable").
    throw new InvalidInputError(
      `report reads storage.layout rows only, and ${s.type === 'sqlite' ? s.path : 'this database'} uses the chunks layout ` +
        '(the default for SQLite): ask the running monitor instead with --url (e.g. --url http://127.0.0.1:9500)',
    );
  }
  // the stores are loaded when a report is written, not at startup (--help and flag errors need none of them)
  if (s.type === 'victoriametrics') return (await import('../../compose/stores.ts')).openStore(c);
  return s.type === 'sqlite'
    ? (await import('../../store/sqlite.ts')).openSqliteStore({ path: s.path, retentionMs: s.retention })
    : (await import('../../store/postgres.ts')).openPostgresStore({ url: s.url, retentionMs: s.retention });
}

/** Writes `doc` to `out` (saying so on standard error) or to standard output. */
function writeDocument(doc: WrittenDocument, out: string | undefined): void {
  if (out === undefined) {
    process.stdout.write(doc.content);
    return;
  }
  writeFileSync(out, doc.content);
  process.stderr.write(`wrote ${out} (${doc.content.length} bytes, ${Math.round(doc.generationMs)} ms)\n`);
}

/** The `report` command. */
export function reportCommand(): Command {
  return new Command('report')
    .summary(
      'write a report (SLOs, anomalies, rollout, capacity, top changes) of a period as HTML, PDF or Markdown',
    )
    .description(
      "Write a report of the period [--from, --to) from the monitor's stored data: SLO compliance and error budgets, " +
        'incidents and anomalies by component and region, rollout state and v1-vs-v3 improvements, regional health, ' +
        'capacity outlook and the top changes against the previous period. Times: now, now-<duration>, RFC3339 or Unix ' +
        'seconds. PDF is printed by headless Chromium. Exit codes: 0 success, 1 failure, 2 bad input (e.g. an empty or reversed range).',
    )
    .requiredOption('--from <time>', 'start of the period, e.g. now-1d or 2026-03-01T00:00:00Z')
    .option('--to <time>', 'end of the period', 'now')
    .addOption(new Option('--format <format>', 'output format').choices([...REPORT_FORMATS]).default('html'))
    .option('--out <file>', 'write to this file (default: standard output; required for pdf on a terminal)')
    .option(
      '-c, --config <file>',
      'monitor configuration whose storage is read (default: ./data/dwcp-monitor.db)',
    )
    .option('--chromium <path>', 'Chromium binary for PDF (default: the configuration, /usr/bin/chromium)')
    .option('--store', 'also keep the report in the report store', false)
    .option(
      '--url <url>',
      'ask a running monitor instead of reading its storage (POST /api/reports: the monitor keeps the report in its report store); needed for the chunks layout, the default',
    )
    .option(
      '--token-file <file>',
      'with --url: file holding an API token (editor role) or session token, sent as Authorization: Bearer',
    )
    .action(async (flags: ReportFlags) => {
      let store: OpenedStore | undefined;
      let reportStore: ReportStore | undefined;
      try {
        const now = Date.now();
        const fromMs = parseReportTime('--from', flags.from, now);
        const toMs = parseReportTime('--to', flags.to, now);
        if (flags.out !== undefined) checkOutputFile('--out', flags.out);
        if (flags.format === 'pdf' && flags.out === undefined && process.stdout.isTTY)
          throw new InvalidInputError('--format pdf writes binary data: give --out <file.pdf>');
        if (flags.url === undefined && flags.tokenFile !== undefined)
          throw new InvalidInputError('--token-file is for --url (a running monitor)');
        if (flags.url !== undefined) {
          if (flags.config !== undefined || flags.store || flags.chromium !== undefined)
            throw new InvalidInputError(
              '--url asks the running monitor, which uses its own storage, report store and Chromium: leave out --config, --store and --chromium',
            );
          const token = flags.tokenFile === undefined ? undefined : readTokenFile(flags.tokenFile);
          writeDocument(await fetchReport(flags.url, fromMs, toMs, flags.format, token), flags.out);
          return;
        }
        const config = flags.config ? loadMonitorConfig(flags.config) : parseMonitorConfig({});
        store = await openStore(config);
        const [{ ReportService }, { ReportStore }, { createInsightsProvider }, { createCapacityProvider }] =
          await Promise.all([
            import('../../reports/report-service.ts'),
            import('../../reports/report-store.ts'),
            import('../../monitor/rollout-provider.ts'),
            import('../../monitor/capacity-provider.ts'),
          ]);
        if (flags.store) {
          const s = config.storage;
          reportStore = await ReportStore.open(sqlLocation(s), {
            maxReports: config.reports.maxReports,
            maxBytes: config.reports.maxBytes,
          });
        }
        const service = new ReportService({
          sources: {
            insights: createInsightsProvider(store),
            capacity: createCapacityProvider(store),
            anomalies: store,
            samples: store,
          },
          chromiumPath: flags.chromium ?? config.reports.chromiumPath,
          ...(reportStore ? { store: reportStore } : {}),
        });
        const { data, documents } = await service.render(fromMs, toMs, 'custom', [flags.format]);
        const doc = documents[0]!;
        if (reportStore)
          await reportStore.insert({
            kind: 'custom',
            format: doc.format,
            title: data.title,
            fromMs,
            toMs,
            createdAtMs: Date.now(),
            generationMs: doc.generationMs,
            content: doc.content,
          });
        writeDocument(doc, flags.out);
      } catch (e) {
        process.stderr.write(`error: ${(e as Error).message}\n`);
        process.exitCode = exitCodeFor(e);
      } finally {
        await reportStore?.close();
        await store?.close();
      }
    });
}
