/**
 * A report as one self-contained HTML page (inline CSS and SVG charts, no script, no external resources), laid
 * out for screen and for A4 print (each section avoids page breaks inside it). The PDF is this page printed by
 * Chromium. Section headings are fixed so readers (and tests) can find them: Summary, SLO compliance and error
 * budgets, Incidents and anomalies, Rollout: v1 vs v3, Regional health, Capacity outlook, Top changes. Pure.
 */
import type { ReportData } from './report-data.ts';
import { withUnit } from './top-changes.ts';
import { barChart, esc } from './svg-chart.ts';

/** The section headings, in order. */
export const REPORT_HEADINGS = [
  'Summary',
  'SLO compliance and error budgets',
  'Incidents and anomalies',
  'Rollout: v1 vs v3',
  'Regional health',
  'Capacity outlook',
  'Top changes',
] as const;

const utc = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
const pct = (v: number | null, digits = 2): string =>
  v === null || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(digits)} %`;
const num = (v: number | null, digits = 3): string => {
  if (v === null || !Number.isFinite(v)) return '–';
  const t = v.toPrecision(digits);
  return t.includes('.') && !t.includes('e') ? t.replace(/\.?0+$/, '') : t;
};
const dur = (ms: number): string =>
  ms >= 3_600_000
    ? `${(ms / 3_600_000).toFixed(1)} h`
    : ms >= 60_000
      ? `${(ms / 60_000).toFixed(1)} min`
      : `${Math.round(ms / 1000)} s`;

function table(head: readonly string[], rows: readonly (readonly string[])[], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${esc(empty)}</p>`;
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const CSS = `
body{font-family:"DejaVu Sans",Arial,sans-serif;color:#222;margin:24px;font-size:12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;border-bottom:2px solid #3b6ea8;padding-bottom:2px;margin-top:22px}
section{break-inside:avoid;page-break-inside:avoid}
table{border-collapse:collapse;margin:6px 0;width:100%}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left}th{background:#eef2f7}
.muted{color:#666}.kpis{display:flex;gap:12px;flex-wrap:wrap}.kpi{border:1px solid #ccc;border-radius:4px;padding:6px 10px;min-width:120px}
.kpi b{display:block;font-size:18px}.GO{color:#1e7e34}.CAUTION{color:#b8860b}.NO-GO{color:#c0392b}
@page{size:A4;margin:14mm}`;

/** Renders the report as an HTML document. */
export function renderReportHtml(d: ReportData): string {
  const s: string[] = [];
  const met = d.slos.filter((x) => x.status === 'met').length;
  const violated = d.slos.filter((x) => x.status === 'violated').length;
  const decision = 'decision' in d.rollout ? d.rollout.decision : 'n/a';
  s.push(
    `<section><h2>${REPORT_HEADINGS[0]}</h2><div class="kpis">` +
      `<div class="kpi">Anomalies<b>${d.anomalies.total}</b></div>` +
      `<div class="kpi">SLOs met / violated<b>${met} / ${violated}</b></div>` +
      `<div class="kpi">Rollout decision<b class="${esc(decision)}">${esc(decision)}</b></div>` +
      `<div class="kpi">Regions<b>${d.regions.length}</b></div></div></section>`,
  );

  const sloRows = d.slos.map((x) => [
    x.name,
    pct(x.objective, 2),
    x.status,
    pct(x.compliance, 3),
    pct(x.budgetRemaining, 1),
    String(x.violations),
  ]);
  s.push(
    `<section><h2>${REPORT_HEADINGS[1]}</h2>` +
      (d.slos.some((x) => x.budgetRemaining !== null)
        ? barChart(
            'Error budget remaining per SLO (%)',
            d.slos.map((x) => ({
              label: x.name,
              value: x.budgetRemaining === null ? null : x.budgetRemaining * 100,
              color: x.status === 'violated' ? '#c0392b' : '#1e7e34',
            })),
            {
              unit: '%',
              min: Math.min(-100, ...d.slos.map((x) => (x.budgetRemaining ?? 0) * 100)),
              max: 100,
            },
          )
        : '') +
      table(
        ['SLO', 'objective', 'status', 'compliance', 'budget left', 'violations'],
        sloRows,
        'No SLO could be evaluated for this period.',
      ) +
      '</section>',
  );

  const a = d.anomalies;
  const byComponent = a.components.map((c) => ({
    label: c,
    value: a.cells.filter((x) => x.component === c).reduce((t, x) => t + x.count, 0),
  }));
  const grid = a.components.map((c) => [
    c,
    ...a.regions.map((r) => String(a.cells.find((x) => x.component === c && x.region === r)?.count ?? 0)),
  ]);
  s.push(
    `<section><h2>${REPORT_HEADINGS[2]}</h2>` +
      `<p>${a.total} anomalies: ${Object.entries(a.bySeverity)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}.</p>` +
      (byComponent.length > 0 ? barChart('Anomalies by component', byComponent, { digits: 0 }) : '') +
      table(['component', ...a.regions], grid, 'No anomalies in this period.') +
      (a.incidents.length > 0
        ? '<h3>Longest incidents</h3>' +
          table(
            ['started', 'metric', 'component', 'region', 'severity', 'open'],
            a.incidents.map((i) => [
              utc(i.startedAtMs),
              i.metric,
              i.component,
              i.region,
              i.severity,
              `${dur(i.openMs)}${i.resolvedAtMs === null ? ' (open)' : ''}`,
            ]),
            '',
          )
        : '') +
      '</section>',
  );

  if ('decision' in d.rollout) {
    const r = d.rollout;
    s.push(
      `<section><h2>${REPORT_HEADINGS[3]}</h2>` +
        `<p>Decision <b class="${esc(r.decision)}">${esc(r.decision)}</b> (score ${r.score.toFixed(3)}): ${esc(r.summary)}</p>` +
        `<p>Rollout ${r.rolloutPercent === null ? '–' : `${r.rolloutPercent.toFixed(0)} %`}; migrations compared: v1 ${r.v1Migrations}, v3 ${r.v3Migrations}; ` +
        `v3 speed-up ${r.migrationSpeedup === null ? '–' : `${r.migrationSpeedup.toFixed(2)}×`}; bandwidth cost saved ${r.costSavingsUsd.toFixed(2)} USD.</p>` +
        barChart(
          'v3 improvement over v1 (%)',
          r.improvements.map((i) => ({ label: i.name, value: i.percent })),
          { unit: '%' },
        ) +
        (r.drivers.length > 0
          ? `<ul>${r.drivers
              .slice(0, 10)
              .map((t) => `<li>${esc(t)}</li>`)
              .join('')}</ul>`
          : '') +
        '</section>',
    );
  } else {
    s.push(
      `<section><h2>${REPORT_HEADINGS[3]}</h2><p class="muted">Rollout analysis unavailable: ${esc(d.rollout.unavailable)}</p></section>`,
    );
  }

  s.push(
    `<section><h2>${REPORT_HEADINGS[4]}</h2>` +
      (d.regions.some((r) => r.score !== null)
        ? barChart(
            'Regional health score',
            d.regions.map((r) => ({ label: r.region, value: r.score })),
            { min: 0, max: 100, reference: { value: 80, label: 'healthy ≥ 80' } },
          )
        : '') +
      table(
        ['region', 'score', 'status'],
        d.regions.map((r) => [r.region, num(r.score, 3), r.status ?? 'no data']),
        'No regional data in this period.',
      ) +
      '</section>',
  );

  s.push(
    `<section><h2>${REPORT_HEADINGS[5]}</h2>` +
      table(
        ['node', 'region', 'resource', 'now', 'growth / day', 'days to warning', 'action'],
        d.capacity.map((c) => [
          c.node,
          c.region,
          c.resource,
          `${c.currentPct.toFixed(1)} %`,
          `${c.growthPctPerDay.toFixed(2)} %`,
          c.daysToWarning === null ? '–' : c.daysToWarning.toFixed(0),
          c.action,
        ]),
        'No capacity plan: too little utilisation history.',
      ) +
      (d.capacityNotes.length > 0 ? `<p class="muted">${d.capacityNotes.map(esc).join('<br>')}</p>` : '') +
      '</section>',
  );

  s.push(
    `<section><h2>${REPORT_HEADINGS[6]}</h2>` +
      (d.topChanges.some((c) => c.changePercent !== null)
        ? barChart(
            'Change against the previous period (%)',
            d.topChanges
              .filter((c) => c.changePercent !== null)
              .map((c) => ({ label: c.metric.replace(/^dwcp_/, ''), value: c.changePercent })),
            { unit: '%' },
          )
        : '') +
      table(
        ['metric', 'figure', 'previous', 'this period', 'change'],
        d.topChanges.map((c) => [
          c.metric,
          c.figure.replace(/_/g, ' '),
          withUnit(num(c.previous), c.unit),
          withUnit(num(c.current), c.unit),
          c.changePercent === null ? '–' : `${c.changePercent > 0 ? '+' : ''}${c.changePercent.toFixed(1)} %`,
        ]),
        'No stored series in this or the previous period.',
      ) +
      '</section>',
  );

  if (d.warnings.length > 0)
    s.push(
      `<section><h2>Notes</h2><ul>${d.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></section>`,
    );

  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(d.title)}</title><style>${CSS}</style></head><body>` +
    `<h1>${esc(d.title)}</h1><p class="muted">${utc(d.range.fromMs)} – ${utc(d.range.toMs)} · generated ${utc(d.generatedAtMs)}</p>` +
    s.join('\n') +
    '</body></html>'
  );
}
