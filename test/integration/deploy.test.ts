/**
 * The deployment files of deploy/: the compose file against the Compose Specification's JSON schema (ajv, the
 * schema committed as a fixture with its source), the Prometheus and Alertmanager configs with promtool and
 * amtool, the monitor configuration with the monitor's own parser, and the systemd units with
 * `systemd-analyze verify`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { parseMonitorConfig } from '../../src/config.ts';
import { requireBinary } from '../helpers/binaries.ts';

const promtool = requireBinary('promtool');
const amtool = requireBinary('amtool');
const systemdAnalyze = requireBinary('systemd-analyze');
const tmp = mkdtempSync(join(tmpdir(), 'dwcp-deploy-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const run = (bin: string, args: string[], cwd?: string) =>
  spawnSync(bin, args, { encoding: 'utf8', timeout: 60_000, ...(cwd ? { cwd } : {}) });

describe('deploy/compose.yaml', () => {
  const schema = JSON.parse(readFileSync('test/fixtures/compose-spec/compose-spec.json', 'utf8')) as object;
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  // The schema names draft-07 by its https URL; register ajv's draft-07 meta-schema under that id too.
  const draft7 = JSON.parse(
    readFileSync(createRequire(import.meta.url).resolve('ajv/dist/refs/json-schema-draft-07.json'), 'utf8'),
  ) as { $id: string };
  ajv.addMetaSchema({ ...draft7, $id: 'https://json-schema.org/draft-07/schema' });
  const validate = ajv.compile(schema);

  it('is valid against the Compose Specification schema', () => {
    const doc = parse(readFileSync('deploy/compose.yaml', 'utf8'), { merge: true }) as {
      services: Record<string, unknown>;
      volumes: Record<string, unknown>;
    };
    const ok = validate(doc);
    assert.ok(ok, JSON.stringify(validate.errors, null, 2));
    assert.deepEqual(Object.keys(doc.services).sort(), [
      'alertmanager',
      'dwcp-collector',
      'dwcp-monitor',
      'grafana',
      'prometheus',
      'pushgateway',
      'victoriametrics',
    ]);
    for (const v of [
      'prometheus-data',
      'grafana-data',
      'alertmanager-data',
      'victoriametrics-data',
      'dwcp-data',
    ])
      assert.ok(v in doc.volumes, v);
  });

  it('the schema rejects what it should (the check can fail)', () => {
    assert.equal(validate({ services: { x: { image: 'a', restart: 42, bogus_key: true } } }), false);
    assert.ok(
      validate.errors!.some((e) => /additional properties|must be string/.test(e.message ?? '')),
      JSON.stringify(validate.errors),
    );
  });

  it('mounts files that exist in deploy/ (generated/ is written by dwcp-monitor generate)', () => {
    const text = readFileSync('deploy/compose.yaml', 'utf8');
    for (const m of text.matchAll(/- \.\/([\w./-]+):/g)) {
      if (m[1]!.startsWith('generated/')) continue;
      assert.ok(existsSync(join('deploy', m[1]!)), `deploy/${m[1]} exists`);
    }
  });
});

describe('Prometheus, Alertmanager and monitor configs', () => {
  it(
    'promtool accepts both Prometheus configs',
    { skip: promtool ? false : 'promtool not found (outside CI)' },
    () => {
      for (const f of ['deploy/prometheus/prometheus.yml', 'deploy/systemd/prometheus.yml']) {
        const r = run(promtool!, ['check', 'config', '--syntax-only', f]);
        assert.equal(r.status, 0, `${f}: ${r.stdout}${r.stderr}`);
      }
    },
  );

  it(
    'amtool accepts both Alertmanager configs',
    { skip: amtool ? false : 'amtool not found (outside CI)' },
    () => {
      for (const f of ['deploy/alertmanager/alertmanager.yml', 'deploy/systemd/alertmanager.yml']) {
        const r = run(amtool!, ['check-config', f]);
        assert.equal(r.status, 0, `${f}: ${r.stdout}${r.stderr}`);
      }
    },
  );

  it('the monitor configuration parses, with a retention long enough for weekly reports', () => {
    const c = parseMonitorConfig(parse(readFileSync('deploy/monitor/monitor.yaml', 'utf8')));
    assert.equal(c.listen.port, 9500);
    assert.ok(c.storage.retention >= 7 * 86_400_000);
    assert.deepEqual(c.reports.formats, ['html', 'pdf']);
    assert.equal(c.profiling.continuous.enabled, true);
  });
});

describe('systemd units', { skip: systemdAnalyze ? false : 'systemd-analyze not found (outside CI)' }, () => {
  const units = readdirSync('deploy/systemd').filter((f) => f.endsWith('.service') || f.endsWith('.target'));

  it('covers the monitor, the collector and the stack', () => {
    assert.deepEqual(units.sort(), [
      'dwcp-alertmanager.service',
      'dwcp-collector.service',
      'dwcp-grafana.service',
      'dwcp-monitor.service',
      'dwcp-monitoring.target',
      'dwcp-prometheus.service',
      'dwcp-pushgateway.service',
      'dwcp-victoriametrics.service',
    ]);
  });

  it('systemd-analyze verify finds no problem other than a program not installed on this machine', () => {
    const notInstalled: string[] = [];
    for (const u of units) {
      const r = run(systemdAnalyze!, ['verify', `./${u}`], 'deploy/systemd');
      const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '');
      for (const l of lines) {
        const missing = /Command (\S+) is not executable: No such file or directory/.exec(l);
        assert.ok(missing && !existsSync(missing[1]!), `${u}: ${l}`);
        notInstalled.push(`${u}: ${missing[1]}`);
      }
      if (lines.length === 0) assert.equal(r.status, 0, u);
    }
    // Grafana is not packaged by Debian; every other program the units start is (and CI installs them).
    for (const n of notInstalled) assert.match(n, /^dwcp-grafana\.service: \/usr\/sbin\/grafana-server$/);
  });

  it('systemd-analyze verify rejects a broken unit (the check can fail)', () => {
    const bad = join(tmp, 'dwcp-broken.service');
    const text = readFileSync('deploy/systemd/dwcp-monitor.service', 'utf8').replace(
      'Type=simple',
      'Type=sometimes',
    );
    spawnSync('sh', ['-c', `cat > ${bad}`], { input: text });
    const r = run(systemdAnalyze!, ['verify', bad]);
    assert.match(`${r.stdout}${r.stderr}`, /Failed to parse service type/);
  });
});
