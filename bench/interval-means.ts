/**
 * `npx tsx bench/interval-means.ts`: CPU of the rollout inputs' histogram interval means (`intervalMeans`, and
 * `intervalSized` joined with a size counter, as the rollout status computes them several times per call) over
 * series shaped as the store returns them: `--nodes 12` label sets, `--points 600` points each (a 10-minute
 * rollout window at 1 s), timestamps in order, a migration every few seconds. CPU is the process' user + system
 * time; median of `--repeats 5` passes of `--calls 200` calls each; the load average is printed with it.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { seriesKey } from '../src/model/sample.ts';
import { intervalMeans, intervalSized } from '../src/monitor/rollout-inputs.ts';
import type { SeriesPoints } from '../src/store/types.ts';

const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '12' },
    points: { type: 'string', default: '600' },
    calls: { type: 'string', default: '200' },
    repeats: { type: 'string', default: '5' },
  },
});
const NODES = Number(args.nodes);
const POINTS = Number(args.points);
const CALLS = Number(args.calls);
const REPEATS = Number(args.repeats);
const T0 = 1_700_000_000_000;

let id = 1;
function series(name: string, node: number, valueAt: (i: number) => number): SeriesPoints {
  const labels = { node_id: `node-${node}`, dwcp_enabled: 'true' };
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < POINTS; i++) {
    ts.push(T0 + i * 1000);
    vs.push(valueAt(i));
  }
  return { series: { id: id++, key: seriesKey(name, labels), name, labels }, timestampsMs: ts, values: vs };
}
const migrations = (i: number, node: number): number => Math.floor((i + node) / 4);
const sum = Array.from({ length: NODES }, (_, n) =>
  series('d_sum', n, (i) => 2.5 * migrations(i, n) + 0.01 * n),
);
const count = Array.from({ length: NODES }, (_, n) => series('d_count', n, (i) => migrations(i, n)));
const size = Array.from({ length: NODES }, (_, n) => series('m_total', n, (i) => 2 ** 31 * migrations(i, n)));

const cpuMs: number[] = [];
let out = 0;
for (let rep = 0; rep < REPEATS; rep++) {
  const t0 = process.cpuUsage();
  for (let c = 0; c < CALLS; c++) {
    out += intervalMeans({ sum, count }).length;
    out += intervalSized({ sum, count }, size).length;
  }
  const d = process.cpuUsage(t0);
  cpuMs.push((d.user + d.system) / 1000);
}
cpuMs.sort((a, b) => a - b);
const median = cpuMs[Math.floor(cpuMs.length / 2)]!;
process.stdout.write(
  `${NODES} series x ${POINTS} points, intervalMeans + intervalSized: ${((1000 * median) / CALLS).toFixed(0)} µs CPU per pair of calls ` +
    `(median of ${cpuMs.map((x) => x.toFixed(0)).join(' / ')} ms per ${CALLS}; ${out / REPEATS / CALLS} means per pair); ` +
    `load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}\n`,
);
