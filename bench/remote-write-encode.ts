/**
 * Remote-write encoding cost per sample (the sending side, `storage.type: victoriametrics`): the batches of one
 * simulated node's scrape (the samples `serve` would send) encoded as a Snappy-compressed `prometheus.WriteRequest`
 * by src/ingest/remote-write/encode.ts, and its three parts alone: grouping the samples into series (series key,
 * sorted label list), protobufjs encoding of the grouped series, snappyjs compression. CPU time (process.cpuUsage)
 * per batch, best of 10 tries of 30 encodings each, so the figures hold on a loaded machine.
 *
 * Run: `npx tsx bench/remote-write-encode.ts [--nodes 3]`.
 */
import { parseArgs } from 'node:util';
import snappy from 'snappyjs';
import { encodeRemoteWrite } from '../src/ingest/remote-write/encode.ts';
import { writeRequestType } from '../src/ingest/remote-write/proto-root.ts';
import { parseOpenMetrics } from '../src/ingest/openmetrics.ts';
import { applyTargetLabels } from '../src/ingest/relabel.ts';
import { seriesKey, type Sample } from '../src/model/sample.ts';
import { renderOpenMetrics } from '../src/sdk/openmetrics.ts';
import { createSimNode, deriveNodes } from '../src/sim/topology.ts';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '3' } } });
const NODES = Number(values.nodes);
const START_MS = 1_700_000_000_000;
const batches: Sample[][] = [];
for (const spec of deriveNodes(NODES, ['us-east', 'eu-west', 'ap-south'], 1, 0)) {
  const sim = createSimNode(spec, {
    rolloutPercent: 50,
    daySeconds: 86_400,
    startMs: START_MS,
    faults: [],
    warn: () => {},
  });
  sim.tick(START_MS);
  const parsed = parseOpenMetrics(await renderOpenMetrics(sim.registry), { defaultTimestampMs: START_MS });
  batches.push(
    applyTargetLabels(
      parsed.samples,
      { job: 'dwcp', instance: `127.0.0.1:${9100 + spec.index}`, node_id: spec.id, region: spec.region },
      false,
    ),
  );
}
const samples = batches.reduce((n, b) => n + b.length, 0);

interface WireSeries {
  labels: { name: string; value: string }[];
  samples: { value: number; timestamp: number }[];
}

/** The WriteRequest series of a batch, grouped as encode.ts groups them. */
function wire(batch: readonly Sample[]): WireSeries[] {
  const by = new Map<
    string,
    { labels: WireSeries['labels']; samples: { value: number; timestamp: number }[] }
  >();
  for (const s of batch) {
    const k = seriesKey(s.name, s.labels);
    let ts = by.get(k);
    if (!ts)
      by.set(
        k,
        (ts = {
          labels: [
            { name: '__name__', value: s.name },
            ...Object.keys(s.labels)
              .sort()
              .map((name) => ({ name, value: s.labels[name]! })),
          ],
          samples: [],
        }),
      );
    ts.samples.push({ value: s.value, timestamp: s.timestampMs });
  }
  return [...by.values()];
}
const wires = batches.map(wire);
const T = writeRequestType();
const raws = wires.map((w) => T.encode({ timeseries: w }).finish());
for (let i = 0; i < wires.length; i++)
  if (
    Buffer.compare(
      Buffer.from(snappy.compress(raws[i]!) as Uint8Array),
      Buffer.from(encodeRemoteWrite(batches[i]!)),
    ) !== 0
  )
    throw new Error('the parts do not make up encodeRemoteWrite');

let sink = 0;
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** CPU µs per sample of `fn` over all batches (best of 10 tries of 30 rounds). */
function measure(fn: (i: number) => number): number {
  let best = Infinity;
  for (let r = 0; r < 10; r++) {
    const t0 = cpuMs();
    for (let k = 0; k < 30; k++) for (let i = 0; i < batches.length; i++) sink += fn(i);
    best = Math.min(best, (cpuMs() - t0) / 30);
  }
  return (best * 1000) / samples;
}
const rows: [string, number][] = [
  ['encodeRemoteWrite (all three)', measure((i) => encodeRemoteWrite(batches[i]!).length)],
  [
    'anchor: grouping by the canonical series key alone (the previous grouping)',
    measure((i) => wire(batches[i]!).length),
  ],
  [
    'protobufjs encode alone (grouped series)',
    measure((i) => T.encode({ timeseries: wires[i]! }).finish().length),
  ],
  ['snappyjs compress alone', measure((i) => (snappy.compress(raws[i]!) as Uint8Array).length)],
];
const { loadavg } = await import('node:os');
console.log(
  `\nRemote-write encoding, ${NODES} node batches, ${samples} samples (load average ${loadavg()[0]!.toFixed(1)}):\n\n| path | CPU µs per sample |\n|---|---|`,
);
for (const [name, us] of rows) console.log(`| ${name} | ${us.toFixed(2)} |`);
if (sink === Number.MIN_VALUE) console.log(sink);
