/** Renders docs/metrics.md from the catalog (kept in sync by test/unit/catalog/metric-names.test.ts). */
import { KIND_BAD_DIRECTION, KIND_CRITICALITY, UNIT_RANGES } from './impact.ts';
import { CATALOG } from './index.ts';
import type { MetricDef, MetricGroup } from './types.ts';

const GROUP_TITLES: Record<MetricGroup, string> = {
  v1: 'DWCP v1 (`dwcp_*`)',
  v3: 'DWCP v3 (`dwcp_v3_*`)',
  production: 'Phase 6 production',
  monitor: 'Monitor service self-metrics',
  host: 'Host collector and synthetic scrape series',
  node: 'Host collector (`dwcp-monitor collect`, node_exporter names)',
  runtime: 'Node.js runtime and profiler',
  logs: 'Log-derived (counted from ingested logs, analysed)',
  traces: 'Trace-derived (per operation from received spans, analysed)',
};

function row(m: MetricDef): string {
  const buckets = m.buckets ? m.buckets.join(', ') : '';
  const labels = m.labels.length ? m.labels.join(', ') : '(none)';
  return `| \`${m.name}\` | ${m.type} | ${m.unit} | ${labels} | ${buckets} | ${m.help} |`;
}

/** Markdown for docs/metrics.md: one table per group, then the naming decisions. */
export function renderMetricsDoc(): string {
  const lines: string[] = [
    '# DWCP metric catalog',
    '',
    'Generated from `src/catalog/` by `npm run docs:metrics`; do not edit by hand (a test checks it).',
    'The SDK, the simulator and (later) the generated rules and dashboards all read these definitions.',
    '',
  ];
  for (const group of Object.keys(GROUP_TITLES) as MetricGroup[]) {
    const ms = CATALOG.filter((m) => m.group === group);
    lines.push(`## ${GROUP_TITLES[group]} — ${ms.length} metrics`, '');
    lines.push('| name | type | unit | labels | buckets | help |', '|---|---|---|---|---|---|');
    for (const m of ms) lines.push(row(m));
    lines.push('');
  }
  lines.push('## Counters kept across restarts', '');
  lines.push(
    'These counters describe stored state, so the monitor saves them (every 15 s and at shutdown) and continues from the',
    'saved values after a restart; a kill -9 loses at most the last 15 s of their increments. Other counters start from',
    'zero at each start, as Prometheus counters do (`rate()` handles the reset).',
    '',
  );
  for (const m of CATALOG) if (m.persisted) lines.push(`- \`${m.name}\``);
  lines.push('');
  lines.push('## Naming decisions', '');
  lines.push(
    'Where the original documents or code disagreed with Prometheus naming rules, we followed the rules',
    '(base units, `_total` on counters, `_ratio` for 0..1) and record the choice here.',
    '',
  );
  for (const m of CATALOG) if (m.decision) lines.push(`- \`${m.name}\`: ${m.decision}`);
  lines.push('');
  lines.push('## Physical ranges and criticality', '');
  lines.push(
    'Anomaly bands (expected, lower, upper) and capacity forecasts are clamped to the physical range of the',
    "metric's values; anomaly severity grows with the metric's criticality (docs/anomaly-detection.md, Severity);",
    'detectors judge only the bad direction of a series (a change the other way raises nothing).',
    'Defaults come from the unit and the anomaly kind (`src/catalog/impact.ts`); exceptions are listed per metric.',
    '',
    '| unit | range |',
    '|---|---|',
  );
  const bound = (x: number): string => (Number.isFinite(x) ? String(x) : x > 0 ? '∞' : '−∞');
  const range = (r: { min: number; max: number }): string =>
    `${Number.isFinite(r.min) ? '[' : '('}${bound(r.min)}, ${bound(r.max)}${Number.isFinite(r.max) ? ']' : ')'}`;
  for (const [unit, r] of Object.entries(UNIT_RANGES)) lines.push(`| ${unit} | ${range(r)} |`);
  lines.push('', '| anomaly kind | criticality | bad direction |', '|---|---|---|');
  for (const [kind, c] of Object.entries(KIND_CRITICALITY))
    lines.push(`| ${kind} | ${c} | ${KIND_BAD_DIRECTION[kind as keyof typeof KIND_BAD_DIRECTION]} |`);
  lines.push('', 'Per-metric exceptions:', '');
  for (const m of CATALOG) {
    if (m.range) lines.push(`- \`${m.name}\`: range ${range(m.range)}`);
    if (m.criticality)
      lines.push(`- \`${m.name}\`: criticality ${m.criticality.level} — ${m.criticality.why}`);
    if (m.badDirection) {
      lines.push(`- \`${m.name}\`: bad direction ${m.badDirection.direction} — ${m.badDirection.why}`);
      const b = m.badDirection.byLabel;
      for (const [v, d] of Object.entries(b?.values ?? {}))
        lines.push(`  - \`${b?.label}="${v}"\`: ${d.direction} — ${d.why}`);
    }
  }
  lines.push('');
  return lines.join('\n');
}
