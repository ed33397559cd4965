/**
 * A report as Markdown (GitHub-flavoured tables), with the same sections and headings as the HTML report and
 * no charts. Pure.
 */
import { REPORT_HEADINGS } from './render-html.ts';
import type { ReportData } from './report-data.ts';
import { withUnit } from './top-changes.ts';

const utc = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const pct = (v: number | null, d = 2): string =>
  v === null || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(d)} %`;
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(head: readonly string[], rows: readonly (readonly string[])[], empty: string): string {
  if (rows.length === 0) return `_${empty}_\n`;
  return (
    [
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    ].join('\n') + '\n'
  );
}

/** Renders the report as Markdown. */
export function renderReportMarkdown(d: ReportData): string {
  const out: string[] = [
    `# ${d.title}`,
    '',
    `${utc(d.range.fromMs)} – ${utc(d.range.toMs)} · generated ${utc(d.generatedAtMs)}`,
    '',
  ];
  const decision = 'decision' in d.rollout ? d.rollout.decision : 'n/a';
  out.push(`## ${REPORT_HEADINGS[0]}`, '');
  out.push(`- Anomalies: ${d.anomalies.total}`);
  out.push(
    `- SLOs met / violated: ${d.slos.filter((s) => s.status === 'met').length} / ${d.slos.filter((s) => s.status === 'violated').length}`,
  );
  out.push(`- Rollout decision: ${decision}`, '');
  out.push(`## ${REPORT_HEADINGS[1]}`, '');
  out.push(
    table(
      ['SLO', 'objective', 'status', 'compliance', 'budget left', 'violations'],
      d.slos.map((s) => [
        s.name,
        pct(s.objective),
        s.status,
        pct(s.compliance, 3),
        pct(s.budgetRemaining, 1),
        String(s.violations),
      ]),
      'No SLO could be evaluated for this period.',
    ),
  );
  const a = d.anomalies;
  out.push(
    `## ${REPORT_HEADINGS[2]}`,
    '',
    `${a.total} anomalies: ${Object.entries(a.bySeverity)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}.`,
    '',
  );
  out.push(
    table(
      ['component', ...a.regions],
      a.components.map((c) => [
        c,
        ...a.regions.map((r) => String(a.cells.find((x) => x.component === c && x.region === r)?.count ?? 0)),
      ]),
      'No anomalies in this period.',
    ),
  );
  out.push(`## ${REPORT_HEADINGS[3]}`, '');
  if ('decision' in d.rollout) {
    const r = d.rollout;
    out.push(`Decision **${r.decision}** (score ${r.score.toFixed(3)}): ${r.summary}`, '');
    out.push(
      table(
        ['v3 vs v1', 'improvement'],
        r.improvements.map((i) => [i.name, i.percent === null ? '–' : `${i.percent.toFixed(1)} %`]),
        '',
      ),
    );
  } else out.push(`_Rollout analysis unavailable: ${d.rollout.unavailable}_`, '');
  out.push(`## ${REPORT_HEADINGS[4]}`, '');
  out.push(
    table(
      ['region', 'score', 'status'],
      d.regions.map((r) => [r.region, r.score === null ? '–' : r.score.toFixed(1), r.status ?? 'no data']),
      'No regional data in this period.',
    ),
  );
  out.push(`## ${REPORT_HEADINGS[5]}`, '');
  out.push(
    table(
      ['node', 'resource', 'now', 'growth / day', 'days to warning', 'action'],
      d.capacity.map((c) => [
        c.node,
        c.resource,
        `${c.currentPct.toFixed(1)} %`,
        `${c.growthPctPerDay.toFixed(2)} %`,
        c.daysToWarning === null ? '–' : c.daysToWarning.toFixed(0),
        c.action,
      ]),
      'No capacity plan: too little utilisation history.',
    ),
  );
  out.push(`## ${REPORT_HEADINGS[6]}`, '');
  out.push(
    table(
      ['metric', 'previous', 'this period', 'change'],
      d.topChanges.map((c) => [
        c.metric,
        withUnit(c.previous === null ? '–' : c.previous.toPrecision(4), c.unit),
        withUnit(c.current === null ? '–' : c.current.toPrecision(4), c.unit),
        c.changePercent === null ? '–' : `${c.changePercent.toFixed(1)} %`,
      ]),
      'No stored series in this or the previous period.',
    ),
  );
  if (d.warnings.length > 0) out.push('## Notes', '', ...d.warnings.map((w) => `- ${w}`), '');
  return out.join('\n');
}
