/**
 * `generate`: everything an operator needs to run DWCP under Prometheus + Grafana + Alertmanager, derived from
 * `src/catalog/` through the typed PromQL builders, as a map of relative path -> file text (pure; `writeTree`
 * does the I/O). Layout:
 *
 * - `prometheus/prometheus.yml` (or `prometheus-shard-<k>.yml`), `prometheus/targets/dwcp-nodes.yml`,
 *   `prometheus/rules/*.yml`, `prometheus/tests/dwcp-rules.test.yml` (promtool unit tests)
 * - `alertmanager/alertmanager.yml`, `alertmanager/secrets-from-env.sh`
 * - `grafana/dashboards/<uid>.json`, `grafana/provisioning/{dashboards,datasources}/*.yml`
 * - `runbooks/<slug>.md`, `runbooks/README.md`
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InvalidInputError } from '../errors.ts';
import { renderAlertmanagerConfig, renderSecretsScript } from './alertmanager/config.ts';
import { allDashboards } from './grafana/index.ts';
import { renderDashboardProvider, renderDatasource } from './grafana/provisioning.ts';
import { renderPrometheusConfigs, renderTargets } from './prometheus/config.ts';
import { allAlerts, allRuleGroups, ruleFiles } from './rules/index.ts';
import { DEFAULT_RUNBOOK_BASE_URL, renderRuleFiles } from './rules/render.ts';
import { renderRuleTests } from './rules/tests.ts';
import { renderRunbookIndex, renderRunbooks } from './runbooks/render.ts';

/** Options of `generate`. */
export interface GenerateOptions {
  /** Base URL of the runbooks (slug + `.md` is appended). */
  readonly runbookBaseUrl: string;
  /** Number of Prometheus servers sharing the targets (hashmod sharding when > 1). */
  readonly shards: number;
}

/** Defaults of `dwcp-monitor generate`: example runbook base URL, one Prometheus server. */
export const DEFAULT_GENERATE_OPTIONS: GenerateOptions = {
  runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL,
  shards: 1,
};

/**
 * All generated files, keyed by path relative to the output directory (forward slashes), in a stable order.
 * @throws InvalidInputError on invalid options (shards < 1, a runbook base URL that is not http(s)).
 */
export function generateAll(o: GenerateOptions = DEFAULT_GENERATE_OPTIONS): Map<string, string> {
  if (!/^https?:\/\/\S+$/.test(o.runbookBaseUrl))
    throw new InvalidInputError(`runbook base URL must be an http(s) URL, got "${o.runbookBaseUrl}"`);
  const groups = allRuleGroups();
  const alerts = allAlerts(groups);
  const files = ruleFiles(groups);
  const out = new Map<string, string>();

  for (const [name, text] of renderPrometheusConfigs({
    shards: o.shards,
    scrapeInterval: '10s',
    evaluationInterval: '15s',
    alertmanagers: ['127.0.0.1:9093'],
    monitorTargets: ['127.0.0.1:9500'],
    ruleFiles: files.map((f) => `rules/${f}`),
  })) {
    out.set(`prometheus/${name}`, text);
  }
  out.set('prometheus/targets/dwcp-nodes.yml', renderTargets());
  const rendered = renderRuleFiles(groups, { runbookBaseUrl: o.runbookBaseUrl });
  for (const f of files) out.set(`prometheus/rules/${f}`, rendered.get(f)!);
  out.set(
    'prometheus/tests/dwcp-rules.test.yml',
    renderRuleTests(
      alerts,
      files.map((f) => `../rules/${f}`),
      o.runbookBaseUrl,
    ),
  );

  out.set('alertmanager/alertmanager.yml', renderAlertmanagerConfig(alerts));
  out.set('alertmanager/secrets-from-env.sh', renderSecretsScript());

  for (const d of allDashboards())
    out.set(`grafana/dashboards/${String(d.uid)}.json`, JSON.stringify(d, null, 2) + '\n');
  out.set('grafana/provisioning/dashboards/dwcp.yml', renderDashboardProvider());
  out.set('grafana/provisioning/datasources/dwcp-prometheus.yml', renderDatasource());

  for (const [name, text] of renderRunbooks(alerts)) out.set(`runbooks/${name}`, text);
  out.set('runbooks/README.md', renderRunbookIndex(alerts));
  return out;
}

/** Writes the files under `dir` (creating directories); `.sh` files are made executable. Returns the paths written. */
export function writeTree(dir: string, files: ReadonlyMap<string, string>): string[] {
  const written: string[] = [];
  for (const [rel, text] of files) {
    const p = join(dir, ...rel.split('/'));
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text, { mode: rel.endsWith('.sh') ? 0o755 : 0o644 });
    written.push(p);
  }
  return written;
}
