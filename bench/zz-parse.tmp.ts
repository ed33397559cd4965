import { createSimNode, deriveNodes } from '../src/sim/topology.ts';
import { renderOpenMetrics } from '../src/sdk/openmetrics.ts';
const root = process.argv[2]!;
const { parseExposition } = await import(`${root}/src/ingest/exposition.ts`);
const specs = deriveNodes(30, ['us-east', 'eu-west', 'ap-south'], 1, 0);
const sim = createSimNode(specs[0]!, { rolloutPercent: 50, daySeconds: 86400, startMs: 1.7e12, faults: [], warn: () => {} });
for (let k = 0; k < 5; k++) sim.tick(1.7e12 + k * 1000);
const text = await sim.registry.metrics();
const json = JSON.stringify(text.split('\n'));
let sink = 0;
const best = { p: Infinity, j: Infinity };
for (let r = 0; r < 15; r++) {
  let t = performance.now();
  for (let i = 0; i < 20; i++) sink += parseExposition(text, { defaultTimestampMs: i }).samples.length;
  best.p = Math.min(best.p, (performance.now() - t) / 20);
  t = performance.now();
  for (let i = 0; i < 20; i++) sink += (JSON.parse(json) as string[]).length;
  best.j = Math.min(best.j, (performance.now() - t) / 20);
}
console.log(root, 'text parse best ms', best.p.toFixed(3), 'json', best.j.toFixed(3), 'ratio', (best.p / best.j).toFixed(2), sink > 0 ? '' : '!');
void renderOpenMetrics;
