/**
 * `npx tsx bench/scrape-http.ts`: the monitor's CPU per HTTP scrape of one simulated node body — request, body
 * read, decoding and parse (`scrapeHttp`, with the target's series-text cache, as the scraper runs it) — against
 * a target served by a child process (so its CPU is not counted). The body is one simulated node's OpenMetrics
 * answer, the same on every scrape (every series line is then read from the series-text cache, so the figure is
 * mostly the transport's). CPU is the process' user + system time, which a loaded machine distorts less than
 * wall-clock time; the load average is printed with it.
 *
 * Options: `--scrapes 400` (measured, after 40 warm-up scrapes), `--nodes 1` (the body of node N-1 of a cluster of
 * N, so the size matches the probe's nodes), `--lines N` (only the body's first N lines: the per-request cost of the
 * transport, request and deadline, with little parse). JSON to bench/results/scrape-http.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { scrapeHttp } from '../src/ingest/http-scrape.ts';
import { SeriesTextCachePool } from '../src/ingest/series-text-cache.ts';
import { renderOpenMetrics } from '../src/sdk/openmetrics.ts';
import { createSimNode, deriveNodes } from '../src/sim/topology.ts';

const { values: args } = parseArgs({
  options: {
    scrapes: { type: 'string', default: '400' },
    nodes: { type: 'string', default: '12' },
    lines: { type: 'string' },
  },
});
const SCRAPES = Number(args.scrapes);
const NODES = Number(args.nodes);
const WARMUP = 40;
const START_MS = 1_700_000_000_000;

const spec = deriveNodes(NODES, ['us-east', 'eu-west', 'ap-south'], 1, 0)[NODES - 1]!;
const sim = createSimNode(spec, {
  rolloutPercent: 50,
  daySeconds: 86_400,
  startMs: START_MS,
  faults: [],
  warn: () => {},
});
for (let s = 0; s < 30; s++) sim.tick(START_MS + s * 1000);
const full = await renderOpenMetrics(sim.registry);
// `--lines N`: the body's first N lines and `# EOF`, so the scrape's fixed cost per request dominates.
const body =
  args.lines === undefined
    ? full
    : full.split('\n').slice(0, Number(args.lines)).join('\n') +
      (full.endsWith('# EOF\n') ? '\n# EOF\n' : '\n');

const dir = mkdtempSync(join(tmpdir(), 'dwcp-bench-scrape-http-'));
const bodyFile = join(dir, 'body.txt');
writeFileSync(bodyFile, body);
// The target: a plain node:http server in its own process, answering every request with the body.
const server = spawn(
  process.execPath,
  [
    '-e',
    `const http = require('node:http'); const body = require('node:fs').readFileSync(process.argv[1]);
     const s = http.createServer((q, r) => r.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8', 'content-length': body.length }).end(body));
     s.keepAliveTimeout = 5000;
     s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));`,
    bodyFile,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
try {
  const port = await new Promise<number>((resolve, reject) => {
    server.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    server.once('exit', () => reject(new Error('the target process exited')));
  });
  const url = `http://127.0.0.1:${port}/metrics`;
  const seriesCache = new SeriesTextCachePool(100_000).get('t');
  let samples = 0;
  const scrape = async (i: number): Promise<void> => {
    const got = await scrapeHttp(url, {
      startMs: START_MS + i * 1000,
      timeoutMs: 10_000,
      maxBodyBytes: 10 * 1024 * 1024,
      redirects: 'same-host',
      overloadToleranceMs: 10_000,
      seriesCache,
    });
    if (!Array.isArray(got)) throw new Error(`scrape failed: ${JSON.stringify(got)}`);
    samples = got.length;
  };
  for (let i = 0; i < WARMUP; i++) await scrape(i);
  const load0 = loadavg()[0]!;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < SCRAPES; i++) await scrape(WARMUP + i);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  const result = {
    bodyBytes: Buffer.byteLength(body),
    samples,
    scrapes: SCRAPES,
    cpuMsPerScrape: (cpu.user + cpu.system) / 1000 / SCRAPES,
    systemMsPerScrape: cpu.system / 1000 / SCRAPES,
    wallMsPerScrape: wallMs / SCRAPES,
    load: [load0, loadavg()[0]!],
  };
  process.stdout.write(
    `body ${result.bodyBytes} B, ${samples} samples; CPU ${result.cpuMsPerScrape.toFixed(3)} ms/scrape ` +
      `(system ${result.systemMsPerScrape.toFixed(3)}), wall ${result.wallMsPerScrape.toFixed(3)} ms; ` +
      `load ${load0.toFixed(1)} → ${result.load[1]!.toFixed(1)}\n`,
  );
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/scrape-http.json', JSON.stringify(result, null, 2));
} finally {
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
