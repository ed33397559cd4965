/**
 * `npm run bench:alerting`: (1) rule evaluation cost and (2) a receiver outage with a restart.
 *
 * 1. 1,000 rules over 10,000 series (50 catalog metrics × 200 series: node-0..199 in 4 regions), 60 s of 1 s
 *    samples in the rule window, 50 open anomalies. Rules: 40 % threshold on one node, 20 % threshold with a
 *    regex matcher on a region, 20 % rate_of_change over 1 min (rate on counters, relative on gauges), 10 %
 *    absence, 10 % `all` (threshold and `not` anomaly on the node). Each cycle adds one new sample per series
 *    (not timed) and then times one evaluation of every rule (RuleEngine.evaluate: conditions, `for` state,
 *    labels, fingerprints, annotation templates). Anchor, same run: the same selections and computations run
 *    bare (each leaf condition's series scan, matcher tests, value or change, comparison), without the engine.
 *    Goal: p99 per evaluation cycle <= 100 ms.
 * 2. The outage of src/eval/alerting/outage.ts: 10 min receiver outage, a restart 5 min into it, a fault every
 *    minute for 20 min, on a virtual clock: notifications lost, duplicates, storm.
 *
 * Run: `npx tsx bench/alerting.ts [--cycles 200] [--rules 1000] [--series 10000] [--only rules|outage]`. Results:
 * bench/results/alerting.json. The machine's load average is printed with the numbers (the timings are wall
 * time and grow with other work on the machine; the anchor is measured in the same cycles to factor that out).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare, matchersOf } from '../src/alerting/rules/conditions.ts';
import { RuleEngine } from '../src/alerting/rules/engine.ts';
import { parseRuleFile } from '../src/alerting/rules/parse.ts';
import { SeriesWindow } from '../src/alerting/rules/series-window.ts';
import { rulesOf, type Condition, type RuleSet } from '../src/alerting/rules/types.ts';
import { CATALOG } from '../src/catalog/index.ts';
import { parseDuration } from '../src/model/duration.ts';
import { runOutage } from '../src/eval/alerting/outage.ts';
import type { Anomaly } from '../src/model/anomaly.ts';
import type { Sample } from '../src/model/sample.ts';
import { markdownTable } from './table.ts';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const CYCLES = arg('cycles', 200);
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const RULES = arg('rules', 1000);
const SERIES = arg('series', 10_000);
const METRICS = 50;
const PER_METRIC = Math.ceil(SERIES / METRICS);
const REGIONS = ['us-east', 'eu-west', 'ap-south', 'sa-east'];
const T0 = Date.UTC(2026, 0, 1);

const metrics = CATALOG.filter(
  (m) => m.type !== 'histogram' && m.group !== 'monitor' && m.group !== 'host',
).slice(0, METRICS);
const LABELS = Array.from({ length: PER_METRIC * 4 }, (_, i) => ({
  node: `node-${i}`,
  region: REGIONS[i % REGIONS.length]!,
  job: 'dwcp',
}));
/** Label sets are made once (the rule window keeps the first one of each series; the bench measures rules, not ingestion). */
const labelsOf = (i: number) => LABELS[i]!;

/** A deterministic pseudo-random value per (metric, series, time). */
function value(m: number, s: number, t: number, counter: boolean): number {
  const x = Math.sin(m * 12.9898 + s * 78.233 + t * 0.001) * 43758.5453;
  const noise = x - Math.floor(x);
  return counter ? (t / 1000) * (10 + (s % 7)) + noise : 100 + 20 * noise;
}

function samplesAt(t: number): Sample[] {
  const out: Sample[] = [];
  metrics.forEach((m, mi) => {
    for (let s = 0; s < PER_METRIC; s++) {
      // Every 50th series of every 10th metric stops reporting (absence rules have something to find).
      if (mi % 10 === 0 && s % 50 === 0 && t > T0 + 30_000) continue;
      out.push({
        name: m.name,
        labels: labelsOf(s),
        value: value(mi, s, t, m.type === 'counter'),
        timestampMs: t,
      });
    }
  });
  return out;
}

function ruleYaml(): string {
  const lines = ['groups:'];
  for (let g = 0; g < RULES / 100; g++) {
    lines.push(`  - name: bench-${g}`, '    rules:');
    for (let k = 0; k < 100; k++) {
      const i = g * 100 + k;
      const m = metrics[i % METRICS]!;
      const node = `node-${i % PER_METRIC}`;
      const kind = i % 10;
      let cond: string;
      if (kind < 4)
        cond = `{ threshold: { metric: ${m.name}, match: { node: ${node} }, op: '>', value: ${m.type === 'counter' ? 1e12 : 115} } }`;
      else if (kind < 6)
        cond = `{ threshold: { metric: ${m.name}, match: ['region=~"(us|eu)-.*"'], op: '>', value: ${m.type === 'counter' ? 1e12 : 119.5} } }`;
      else if (kind < 8)
        cond = `{ rate_of_change: { metric: ${m.name}, window: 1m, function: ${m.type === 'counter' ? 'rate' : 'relative'}, op: '>', value: ${m.type === 'counter' ? 15 : 0.15} } }`;
      else if (kind < 9) cond = `{ absence: { metric: ${m.name}, window: 10s } }`;
      else
        cond = `{ all: [ { threshold: { metric: ${m.name}, op: '>', value: ${m.type === 'counter' ? 1e12 : 119} } }, { not: { anomaly: { min_severity: high } } } ] }`;
      lines.push(
        `      - alert: Bench${i}`,
        `        for: ${i % 3 === 0 ? '10s' : '0s'}`,
        `        annotations: { summary: 'value {{ $value }} on {{ $labels.node }}' }`,
        `        condition: ${cond}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

function anomalies(): Anomaly[] {
  return Array.from({ length: 50 }, (_, i) => ({
    id: i + 1,
    seriesKey: `k${i}`,
    metric: metrics[i % METRICS]!.name,
    labels: labelsOf(i * 3),
    component: 'amst',
    kind: 'latency',
    startedAtMs: T0,
    detectedAtMs: T0,
    resolvedAtMs: null,
    observed: 1,
    expected: 0,
    lower: 0,
    upper: 0.5,
    deviation: 4,
    confidence: 0.9,
    score: 0.9,
    votes: [],
    severity: i % 2 === 0 ? 'high' : 'low',
    detector: 'bench',
    acknowledged: false,
  }));
}

/** The bare queries: every leaf's selection (window.select), value and comparison. Returns matches (kept live). */
function bare(
  conds: readonly Condition[],
  window: SeriesWindow,
  anomalyList: readonly Anomaly[],
  now: number,
): number {
  let hits = 0;
  const leaf = (c: Condition): void => {
    switch (c.type) {
      case 'all':
      case 'any':
        return c.conditions.forEach(leaf);
      case 'not':
        return leaf(c.condition);
      case 'anomaly':
        for (const a of anomalyList) if (a.resolvedAtMs === null) hits++;
        return;
      case 'absence':
        for (const s of window.select(c.selector.metric, matchersOf(c.selector, c.selector.matchers)))
          if (now - s.lastTs > c.windowMs) hits++;
        return;
      case 'threshold':
        for (const s of window.select(c.selector.metric, matchersOf(c.selector, c.selector.matchers))) {
          if (now - s.lastTs <= STALE_MS && compare(s.lastValue, c.op, c.value)) hits++;
        }
        return;
      case 'rate_of_change':
        for (const s of window.select(c.selector.metric, matchersOf(c.selector, c.selector.matchers))) {
          const v = now - s.lastTs <= STALE_MS ? s.change(c.fn, c.windowMs, now) : undefined;
          if (v !== undefined && compare(v, c.op, c.value)) hits++;
        }
    }
  };
  conds.forEach(leaf);
  return hits;
}
const STALE_MS = 5 * 60_000;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
}

async function main(): Promise<void> {
  const out: string[] = [];
  const results: Record<string, unknown> = {
    generatedAt: new Date().toISOString(),
    loadAverage1m: loadavg()[0],
  };
  if (ONLY !== 'outage') rulesBench(out, results);
  if (ONLY !== 'rules') await outageBench(out, results);
  const text = out.join('\n');
  process.stdout.write(text);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/alerting.json', JSON.stringify(results, null, 2) + '\n');
}

function rulesBench(out: string[], results: Record<string, unknown>): void {
  const set: RuleSet = {
    files: ['bench'],
    groups: parseRuleFile(ruleYaml(), 'bench.yaml', { parseDuration }),
  };
  const rules = rulesOf(set);
  const window = new SeriesWindow({ maxSeries: 50_000, maxPointsPerSeries: 1024, scrapeIntervalMs: 1000 });
  window.setNeeds(
    rules
      .flatMap((r) =>
        r.condition.type === 'rate_of_change'
          ? [{ metric: r.condition.selector.metric, windowMs: 60_000 }]
          : [],
      )
      .concat(metrics.map((m) => ({ metric: m.name, windowMs: 0 }))),
  );
  let now = T0;
  for (let t = 0; t < 60; t++) window.add(samplesAt((now = T0 + t * 1000)));
  const engine = new RuleEngine();
  engine.setRules(set, now);
  const an = anomalies();
  const conds = rules.map((r) => r.condition);
  // Warm-up.
  for (let i = 0; i < 5; i++) {
    engine.evaluate(window, an, now);
    bare(conds, window, an, now);
  }
  const engineMs: number[] = [];
  const bareMs: number[] = [];
  const engineCpuMs: number[] = [];
  const bareCpuMs: number[] = [];
  const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  let firing = 0;
  let hits = 0;
  for (let c = 0; c < CYCLES; c++) {
    now += 1000;
    window.add(samplesAt(now));
    // Alternate the order so neither side always runs on a cold cache.
    const runEngine = () => {
      const c = process.cpuUsage();
      const t = performance.now();
      firing = engine.evaluate(window, an, now).firingCount;
      engineMs.push(performance.now() - t);
      engineCpuMs.push(cpuMs(process.cpuUsage(c)));
    };
    const runBare = () => {
      const c = process.cpuUsage();
      const t = performance.now();
      hits = bare(conds, window, an, now);
      bareMs.push(performance.now() - t);
      bareCpuMs.push(cpuMs(process.cpuUsage(c)));
    };
    if (c % 2 === 0) {
      runEngine();
      runBare();
    } else {
      runBare();
      runEngine();
    }
  }
  const rows = [
    [
      'rule engine (RuleEngine.evaluate)',
      pct(engineMs, 0.5).toFixed(2),
      pct(engineMs, 0.99).toFixed(2),
      Math.max(...engineMs).toFixed(2),
      (pct(engineMs, 0.99) / pct(bareMs, 0.99)).toFixed(2) + 'x',
      pct(engineCpuMs, 0.5).toFixed(2),
      pct(engineCpuMs, 0.99).toFixed(2),
    ],
    [
      'anchor: same queries bare',
      pct(bareMs, 0.5).toFixed(2),
      pct(bareMs, 0.99).toFixed(2),
      Math.max(...bareMs).toFixed(2),
      '1.00x',
      pct(bareCpuMs, 0.5).toFixed(2),
      pct(bareCpuMs, 0.99).toFixed(2),
    ],
  ];
  out.push(
    markdownTable(
      `Rule evaluation: ${rules.length} rules over ${window.size} series, ${CYCLES} cycles (ms per cycle)`,
      ['what', 'p50 ms', 'p99 ms', 'max ms', 'p99 vs anchor', 'CPU p50 ms', 'CPU p99 ms'],
      rows,
      `goal: p99 <= 100 ms per cycle. Wall time per cycle; CPU = this process' user + system time in the cycle (less sensitive to other load on the machine). Firing alerts after the last cycle: ${firing}; bare matches: ${hits}. Load average (1 min) at the end: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores.`,
    ),
  );
  Object.assign(results, {
    rules: rules.length,
    series: window.size,
    cycles: CYCLES,
    engineMs: { p50: pct(engineMs, 0.5), p99: pct(engineMs, 0.99), max: Math.max(...engineMs) },
    bareMs: { p50: pct(bareMs, 0.5), p99: pct(bareMs, 0.99), max: Math.max(...bareMs) },
    engineCpuMs: { p50: pct(engineCpuMs, 0.5), p99: pct(engineCpuMs, 0.99) },
    bareCpuMs: { p50: pct(bareCpuMs, 0.5), p99: pct(bareCpuMs, 0.99) },
    firing,
  });
}

async function outageBench(out: string[], results: Record<string, unknown>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-outage-'));
  const t0 = performance.now();
  const outage = await runOutage({
    dbPath: join(dir, 'outage.db'),
    durationMs: 20 * 60_000,
    outageStartMs: 2 * 60_000,
    outageMs: 10 * 60_000,
    restartAtMs: 7 * 60_000,
    faultEveryMs: 60_000,
    faultLengthMs: 30_000,
  });
  const outageWallMs = performance.now() - t0;
  rmSync(dir, { recursive: true, force: true });
  out.push(
    markdownTable(
      'Receiver outage of 10 min with a restart 5 min into it (virtual clock, real SQLite outbox)',
      [
        'incidents',
        'enqueued',
        'delivered',
        'lost',
        'duplicates',
        'storm',
        'failed attempts',
        'longest wait s',
      ],
      [
        [
          String(outage.incidents),
          String(outage.enqueued),
          String(outage.delivered),
          String(outage.lost),
          String(outage.duplicates),
          String(outage.storm),
          String(outage.failedAttempts),
          (outage.maxWaitMs / 1000).toFixed(0),
        ],
      ],
      `goal: 0 lost. ${(outageWallMs / 1000).toFixed(1)} s of wall time.`,
    ),
  );
  results.outage = outage;
}

await main();
