/**
 * The generated monitoring config against the real tools (Debian packages prometheus 2.42 and
 * prometheus-alertmanager 0.25): `promtool check config`, `promtool check rules`, `promtool test rules` on the
 * generated unit tests (every alert fires at its threshold after its `for` and stays silent just inside it),
 * `amtool check-config` and `amtool config routes test` for the escalation routes. Under CI=true a missing
 * binary fails the suite (test/helpers/binaries.ts); elsewhere the tests are skipped.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateAll, writeTree } from '../../src/generate/index.ts';
import { allAlerts, ruleFiles } from '../../src/generate/rules/index.ts';
import { DEFAULT_RUNBOOK_BASE_URL } from '../../src/generate/rules/render.ts';
import { renderRuleTests } from '../../src/generate/rules/tests.ts';
import { requireBinary } from '../helpers/binaries.ts';

const promtool = requireBinary('promtool');
const amtool = requireBinary('amtool');
const skipProm = promtool ? false : 'promtool not installed (apt-get install prometheus)';
const skipAm = amtool ? false : 'amtool not installed (apt-get install prometheus-alertmanager)';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-generate-'));
const sharded = mkdtempSync(join(tmpdir(), 'dwcp-generate-shards-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(sharded, { recursive: true, force: true });
});
writeTree(dir, generateAll());
writeTree(sharded, generateAll({ runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL, shards: 3 }));

function run(
  bin: string,
  args: string[],
  cwd: string,
): { status: number | null; out: string; stdout: string } {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}`, stdout: r.stdout };
}

describe('promtool', () => {
  it(
    'check config accepts prometheus.yml (rule files and file_sd targets resolved)',
    { skip: skipProm },
    () => {
      const r = run(promtool!, ['check', 'config', 'prometheus/prometheus.yml'], dir);
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, /SUCCESS: 6 rule files found/);
    },
  );

  it('check config accepts every shard of a 3-server setup', { skip: skipProm }, () => {
    const files = readdirSync(join(sharded, 'prometheus')).filter((f) => f.startsWith('prometheus-shard-'));
    assert.equal(files.length, 3);
    for (const f of files) {
      const r = run(promtool!, ['check', 'config', `prometheus/${f}`], sharded);
      assert.equal(r.status, 0, r.out);
    }
  });

  it('check rules accepts every rule file', { skip: skipProm }, () => {
    const files = ruleFiles().map((f) => `prometheus/rules/${f}`);
    const r = run(promtool!, ['check', 'rules', ...files], dir);
    assert.equal(r.status, 0, r.out);
    assert.equal((r.out.match(/SUCCESS/g) ?? []).length, files.length, r.out);
  });

  it(
    'test rules: every alert fires at its threshold after its for and stays silent just inside',
    { skip: skipProm },
    () => {
      const text = readFileSync(join(dir, 'prometheus/tests/dwcp-rules.test.yml'), 'utf8');
      const cases = (text.match(/^ {2}- name: /gm) ?? []).length;
      assert.equal(cases, allAlerts().length * 2);
      const r = run(promtool!, ['test', 'rules', 'prometheus/tests/dwcp-rules.test.yml'], dir);
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, /SUCCESS/);
    },
  );

  it('test rules fails when a threshold drifts (the generated tests have teeth)', { skip: skipProm }, () => {
    const alert = allAlerts().find((a) => a.name === 'DWCPv3LatencyP99Critical')!;
    const rulesPath = join(dir, 'prometheus/rules/dwcp-v3-alerts.yml');
    const original = readFileSync(rulesPath, 'utf8');
    const mutated = original.replace('[5m]))) > 0.5\n', '[5m]))) > 0.51\n');
    assert.notEqual(mutated, original);
    const mutDir = mkdtempSync(join(tmpdir(), 'dwcp-generate-mut-'));
    try {
      writeTree(mutDir, new Map([...generateAll()].filter(([k]) => k.startsWith('prometheus/rules/'))));
      writeFileSync(join(mutDir, 'prometheus/rules/dwcp-v3-alerts.yml'), mutated);
      writeFileSync(
        join(mutDir, 'one.test.yml'),
        renderRuleTests(
          [alert],
          ruleFiles().map((f) => `prometheus/rules/${f}`),
          DEFAULT_RUNBOOK_BASE_URL,
        ),
      );
      const r = run(promtool!, ['test', 'rules', 'one.test.yml'], mutDir);
      assert.notEqual(r.status, 0, r.out);
      assert.match(r.out, /DWCPv3LatencyP99Critical fires/);
    } finally {
      rmSync(mutDir, { recursive: true, force: true });
    }
  });
});

describe('amtool', () => {
  it('check-config accepts alertmanager.yml', { skip: skipAm }, () => {
    const r = run(amtool!, ['check-config', 'alertmanager/alertmanager.yml'], dir);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /SUCCESS/);
  });

  it(
    'routes critical pages to PagerDuty, warnings to email and Slack, info to Slack only',
    { skip: skipAm },
    () => {
      const route = (...labels: string[]) => {
        const r = run(
          amtool!,
          ['config', 'routes', 'test', '--config.file=alertmanager/alertmanager.yml', ...labels],
          dir,
        );
        assert.equal(r.status, 0, r.out);
        return r.stdout.trim();
      };
      assert.equal(route('severity=critical', 'escalation=immediate'), 'slack-critical,pagerduty');
      assert.equal(route('severity=critical', 'escalation=high'), 'slack-critical,pagerduty');
      assert.equal(route('severity=critical', 'escalation=low'), 'slack-critical');
      assert.equal(route('severity=warning', 'escalation=low'), 'email-warnings,slack-alerts');
      assert.equal(route('severity=info', 'escalation=low'), 'slack-alerts');
    },
  );
});
