/**
 * `npm run bench:incidents`: incidents on the labelled DWCP scenarios (src/eval/dwcp/: 26 scenarios x 3 seeds
 * through the shipped pipeline) and on the demo's default scenario (8 faults on 6 nodes, 3 seeds), in virtual
 * time, through the alerting flow `serve` runs (correlation, default policy: 3 s group wait, one webhook
 * receiver). Reports incidents per fault (goal <= 1.2), faults merged with another (goal 0), faults paged,
 * the top root-cause candidate on the fault, false incidents, firing notifications and the fault-to-
 * notification delay (goal p95 <= 10 s). Definitions in src/eval/alerting/incident-score.ts. A third section runs
 * two unrelated faults overlapping on one node (src/eval/alerting/overlap-scenario.ts; goal: 0 merged, both
 * paged).
 *
 * Run: `npx tsx bench/incidents.ts [--seeds 1,2,3] [--only dwcp|demo|overlap]` (about 10 min for everything on
 * one core). Results: bench/results/incidents.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { demoScenario, DEMO_RUN_OPTIONS } from '../src/eval/alerting/demo-scenario.ts';
import { runIncidentScenario, type IncidentRunResult } from '../src/eval/alerting/incident-run.ts';
import { overlappingUnrelatedFaults } from '../src/eval/alerting/overlap-scenario.ts';
import { aggregateIncidentScores, type IncidentAggregate } from '../src/eval/alerting/incident-score.ts';
import { DWCP_SCENARIOS } from '../src/eval/dwcp/catalogue.ts';
import { isBenign } from '../src/eval/dwcp/scenario.ts';
import { markdownTable } from './table.ts';

const USAGE = `Usage: npx tsx bench/incidents.ts [--seeds 1,2,3] [--only dwcp|demo|overlap]
  --seeds   seeds of every scenario (default 1,2,3)
  --only    one section: dwcp (26 labelled DWCP scenarios), demo (the demo's default scenario),
            overlap (two unrelated faults overlapping on one node); default all three
Results: bench/results/incidents.json`;
if (process.argv.includes('--help')) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}
const seedsArg = process.argv.indexOf('--seeds');
const SEEDS = seedsArg >= 0 ? process.argv[seedsArg + 1]!.split(',').map(Number) : [1, 2, 3];
const only =
  process.argv.indexOf('--only') >= 0 ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

const sec = (ms: number | null) => (ms === null ? 'n/a' : (ms / 1000).toFixed(1));
function row(name: string, a: IncidentAggregate): string[] {
  return [
    name,
    String(a.faults),
    a.incidentsPerFault === null ? 'n/a' : a.incidentsPerFault.toFixed(3),
    String(a.mergedFaults),
    `${a.pagedFaults}/${a.faults}`,
    `${a.rootCauseOnFault}/${a.faultsWithIncident}`,
    `${a.falseIncidents} (${a.falsePagingIncidents})`,
    String(a.firingNotifications),
    sec(a.notificationDelayP50Ms),
    sec(a.notificationDelayP95Ms),
  ];
}
const HEADER = [
  'scenarios',
  'faults',
  'incidents/fault',
  'merged',
  'paged',
  'root cause on fault',
  'false incidents (paging)',
  'firing notifications',
  'delay p50 s',
  'delay p95 s',
];

async function main(): Promise<void> {
  const out: string[] = [];
  const results: Record<string, unknown> = { generatedAt: new Date().toISOString(), seeds: SEEDS };
  if (only === undefined || only === 'dwcp') {
    const runs: IncidentRunResult[] = [];
    for (const s of DWCP_SCENARIOS) {
      for (const seed of SEEDS) {
        runs.push(await runIncidentScenario(s, seed));
        process.stderr.write(
          `\r${runs.length}/${DWCP_SCENARIOS.length * SEEDS.length} ${s.name} seed ${seed}        `,
        );
      }
    }
    process.stderr.write('\n');
    const faulted = aggregateIncidentScores(runs.filter((r) => r.run.labels.length > 0).map((r) => r.score));
    const benign = aggregateIncidentScores(
      runs.filter((r) => isBenign(DWCP_SCENARIOS.find((s) => s.name === r.scenario)!)).map((r) => r.score),
    );
    const all = aggregateIncidentScores(runs.map((r) => r.score));
    const perScenario = DWCP_SCENARIOS.map((s) =>
      row(s.name, aggregateIncidentScores(runs.filter((r) => r.scenario === s.name).map((r) => r.score))),
    );
    out.push(
      markdownTable(
        `Incidents on the labelled DWCP scenarios (${DWCP_SCENARIOS.length} x ${SEEDS.length} seeds)`,
        HEADER,
        [row('fault scenarios', faulted), row('benign scenarios', benign), row('all', all)],
        'goals: incidents per fault <= 1.2, 0 merged. false incidents: incidents covering no fault (in brackets: warning or critical, so sent to a webhook).',
      ),
    );
    out.push(markdownTable('Per scenario', HEADER, perScenario));
    results.dwcp = {
      faulted,
      benign,
      all,
      perScenario: Object.fromEntries(DWCP_SCENARIOS.map((s, i) => [s.name, perScenario[i]])),
    };
  }
  if (only === undefined || only === 'overlap') {
    const runs: IncidentRunResult[] = [];
    for (const seed of SEEDS)
      runs.push(await runIncidentScenario(overlappingUnrelatedFaults(), seed, { run: DEMO_RUN_OPTIONS }));
    const agg = aggregateIncidentScores(runs.map((r) => r.score));
    out.push(
      markdownTable(
        `Two unrelated faults overlapping on one node (HDE, then ACP 10 s later; ${SEEDS.length} seeds)`,
        HEADER,
        [row('overlap', agg)],
        'goals: 0 merged, every fault paged (the second fault paged on its own, not as an update).',
      ),
    );
    results.overlap = { aggregate: agg };
  }
  if (only === undefined || only === 'demo') {
    const runs: IncidentRunResult[] = [];
    for (const seed of SEEDS)
      runs.push(await runIncidentScenario(demoScenario(), seed, { run: DEMO_RUN_OPTIONS }));
    const agg = aggregateIncidentScores(runs.map((r) => r.score));
    const perSeed = runs.map((r) => [
      String(r.seed),
      String(r.incidents.length),
      String(r.score.firingNotifications),
      String(r.run.anomalies.length),
      `${r.score.faults.filter((f) => f.paged).length}/${r.score.faults.length}`,
    ]);
    out.push(
      markdownTable(
        `Demo default scenario in virtual time (${SEEDS.length} seeds)`,
        HEADER,
        [row('demo', agg)],
        'goals: <= 10 incidents and <= 10 firing notifications per run, every fault paged, p95 <= 10 s.',
      ),
    );
    out.push(
      markdownTable(
        'Demo per seed',
        ['seed', 'incidents', 'firing notifications', 'anomalies (one notification each before)', 'paged'],
        perSeed,
      ),
    );
    results.demo = {
      aggregate: agg,
      perSeed: runs.map((r) => ({
        seed: r.seed,
        incidents: r.incidents.length,
        firingNotifications: r.score.firingNotifications,
        anomalies: r.run.anomalies.length,
      })),
    };
  }
  process.stdout.write(out.join('\n'));
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/incidents.json', JSON.stringify(results, null, 2) + '\n');
}

await main();
