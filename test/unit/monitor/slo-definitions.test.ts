import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SLO_TEMPLATES } from '../../../src/analysis/slo/definition.ts';
import { readMonitorConfig } from '../../../src/config.ts';
import { ConfigError } from '../../../src/errors.ts';
import { resolveSloDefinitions } from '../../../src/monitor/slo-definitions.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-slo-defs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SLO_FILE = [
  'slos:',
  '  - name: hde-errors',
  '    objective: 0.995',
  '    window: 7d',
  '    sli:',
  '      type: ratio',
  '      bad:   { metric: dwcp_v3_component_errors_total,     matchers: { component: hde } }',
  '      total: { metric: dwcp_v3_component_operations_total, matchers: { component: hde } }',
  '',
].join('\n');

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const rejects = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ConfigError && re.test(e.message));

describe('resolveSloDefinitions (configuration slo.file / slo.definitions)', () => {
  it('neither given → the built-in templates', () => {
    assert.equal(resolveSloDefinitions({}, { baseDir: dir }), SLO_TEMPLATES);
  });

  it('slo.file: relative to the configuration directory, validated against the catalog', () => {
    write('slos.yaml', SLO_FILE);
    const slos = resolveSloDefinitions({ file: 'slos.yaml' }, { baseDir: dir });
    assert.deepEqual(
      slos.map((s) => [s.name, s.objective, s.windowMs]),
      [['hde-errors', 0.995, 7 * 86_400_000]],
    );
  });

  it('slo.file errors name the file, the field, its line and column', () => {
    const p = write(
      'bad-slos.yaml',
      SLO_FILE.replace('0.995', '1.5').replace('dwcp_v3_component_errors_total', 'dwcp_nope_total'),
    );
    rejects(
      () => resolveSloDefinitions({ file: p }, { baseDir: '/nonexistent' }),
      /slos\[0\]\.sli\.bad\.metric \(line 7, column 24\): unknown metric "dwcp_nope_total"/,
    );
    rejects(
      () => resolveSloDefinitions({ file: p }, { baseDir: '/' }),
      /slos\[0\]\.objective \(line 3, column 16\): must be a ratio strictly between 0 and 1/,
    );
    rejects(
      () => resolveSloDefinitions({ file: 'missing.yaml' }, { baseDir: dir }),
      /cannot read SLO file .*missing\.yaml \(slo\.file\)/,
    );
  });

  it('inline slo.definitions: validated with positions in the configuration file', () => {
    const cfg = write(
      'monitor.yaml',
      [
        'slo:',
        '  definitions:',
        '    - name: fast',
        '      objective: 0.99',
        '      window: 1h',
        '      sli: { type: ratio, good: { metric: dwcp_v3_migration_success_total } }',
        '',
      ].join('\n'),
    );
    const loaded = readMonitorConfig(cfg);
    rejects(
      () =>
        resolveSloDefinitions(loaded.config.slo, { baseDir: dir, configName: cfg, locate: loaded.locate }),
      /monitor\.yaml: slo\.definitions\[0\]\.sli \(line 6, column 12\): a ratio SLI needs exactly two of good, bad, total; got good/,
    );
    const inline = SLO_FILE.split('\n')
      .slice(1)
      .map((l) => (l === '' ? l : `  ${l}`));
    const good = write('good.yaml', ['slo:', '  definitions:', ...inline].join('\n'));
    const ok = readMonitorConfig(good);
    assert.deepEqual(
      resolveSloDefinitions(ok.config.slo, { baseDir: dir, locate: ok.locate }).map((s) => s.name),
      ['hde-errors'],
    );
  });

  it('both given → error', () => {
    rejects(
      () => resolveSloDefinitions({ file: 'a', definitions: [] }, { baseDir: dir }),
      /either file or definitions/,
    );
  });
});
