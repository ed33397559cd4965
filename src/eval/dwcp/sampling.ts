/**
 * How a scenario run reads a simulated node's samples ({@link DwcpSampling}): `exposition` renders the text
 * format and parses it with the monitor's parser (what the monitor does over HTTP, every sample); `json` reads
 * only the metric families the engine analyses from the registry's values and leaves out `_bucket` samples.
 * Both give the same detection inputs: the tracker keeps independent state per series and derives nothing from
 * buckets or unanalysed metrics (asserted by the scenario tests). `json` makes a 3-node run ~3x cheaper.
 */
import { metricForSampleName } from '../../catalog/index.ts';
import { parseExposition } from '../../ingest/exposition.ts';
import type { Sample } from '../../model/sample.ts';
import { LIVE_ANALYSED_KINDS } from '../../monitor/live-detector.ts';
import type { SimNode } from '../../sim/node.ts';

/** How samples are read from a node's registry. */
export type DwcpSampling = 'json' | 'exposition';

/** Largest exposition parsed (the scraper's default body limit). */
const MAX_EXPOSITION_BYTES = 10 * 1024 * 1024;

/** Catalog metric families a node exposes that the live engine analyses (what `json` sampling reads). */
export function analysedFamilies(node: SimNode): string[] {
  const out: string[] = [];
  for (const m of node.registry.getMetricsAsArray()) {
    const def = metricForSampleName(m.name);
    if (def && def.group !== 'monitor' && LIVE_ANALYSED_KINDS.has(def.anomalyKind)) out.push(m.name);
  }
  return out;
}

interface PromRow {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName?: string;
}

/** Samples of the families `families` of `node` at `tMs`, without `_bucket` samples. */
export async function readJson(node: SimNode, families: readonly string[], tMs: number): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const name of families) {
    const metric = node.registry.getSingleMetric(name);
    if (!metric) continue;
    const rows = (await metric.get()).values as readonly PromRow[];
    for (const row of rows) {
      const sampleName = row.metricName ?? name;
      if (sampleName.endsWith('_bucket')) continue;
      const labels: Record<string, string> = {};
      for (const k in row.labels) labels[k] = String(row.labels[k]);
      out.push({ name: sampleName, labels, value: row.value, timestampMs: tMs });
    }
  }
  return out;
}

/** Every sample of `node` as the monitor gets it over HTTP: rendered text, parsed by the monitor's parser. */
export async function readExposition(node: SimNode, tMs: number): Promise<Sample[]> {
  const text = await node.registry.metrics();
  return parseExposition(text, { defaultTimestampMs: tMs, maxBytes: MAX_EXPOSITION_BYTES }).samples;
}
