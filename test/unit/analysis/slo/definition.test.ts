import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../../src/errors.ts';
import {
  MAX_SLO_TEXT_LENGTH,
  parseSloDefinitions,
  parseSloYaml,
  SLO_TEMPLATES,
  sloTemplate,
} from '../../../../src/analysis/slo/definition.ts';

const DAY = 86_400_000;

function configError(fn: () => unknown, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    assert.equal(e.code, 'DWCP_CONFIG');
    for (const p of parts)
      assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
    return true;
  });
}

describe('SLO templates', () => {
  it('has the SLOs of the issue (throughput per DWCP mode) with the thresholds of the seeds', () => {
    assert.deepEqual(
      SLO_TEMPLATES.map((s) => s.name),
      [
        'migration-time',
        'error-rate',
        'availability',
        'latency-p99',
        'throughput-datacenter',
        'throughput-internet',
        'throughput-hybrid',
      ],
    );
    const mt = sloTemplate('migration-time')!;
    assert.deepEqual(mt.sli, {
      type: 'threshold',
      metric: 'dwcp_v3_migration_duration_seconds',
      matchers: {},
      statistic: 'mean',
      op: '<=',
      threshold: 300,
    });
    const er = sloTemplate('error-rate')!;
    assert.equal(er.objective, 0.99);
    assert.equal(er.sli.type, 'ratio');
    const av = sloTemplate('availability')!;
    assert.equal(av.objective, 0.999);
    assert.deepEqual(av.sli, {
      type: 'ratio',
      good: { metric: 'dwcp_v3_migration_success_total', matchers: {} },
      bad: { metric: 'dwcp_v3_migration_failures_total', matchers: {} },
    });
    const lat = sloTemplate('latency-p99')!;
    assert.deepEqual(lat.sli, {
      type: 'threshold',
      metric: 'dwcp_v3_migration_latency_seconds',
      matchers: {},
      statistic: 'p99',
      op: '<',
      threshold: 0.5,
    });
    const tp = (mode: string, threshold: number) => ({
      type: 'threshold',
      metric: 'dwcp_v3_throughput_bytes_per_second',
      matchers: {},
      statistic: 'value',
      op: '>=',
      threshold,
      when: { metric: 'dwcp_v3_current_mode', matchers: { mode } },
    });
    assert.deepEqual(sloTemplate('throughput-datacenter')!.sli, tp('datacenter', 2.4e9));
    assert.deepEqual(sloTemplate('throughput-internet')!.sli, tp('internet', 12.5e6));
    assert.deepEqual(sloTemplate('throughput-hybrid')!.sli, tp('hybrid', 1e8));
    assert.match(sloTemplate('throughput-internet')!.source!, /100–900 Mbps/);
    assert.match(sloTemplate('throughput-hybrid')!.source!, /MODE_PARAMS\.hybrid\.sla/);
    for (const s of SLO_TEMPLATES) {
      assert.equal(s.windowMs, 30 * DAY);
      assert.ok(s.source && /spec|original|simulator/.test(s.source), `${s.name} cites its source`);
      assert.doesNotMatch(s.source, /seed \d|inventory \d|issue \d/i, `${s.name}: source in product words`);
    }
    assert.equal(sloTemplate('nope'), undefined);
    assert.equal(sloTemplate('throughput'), sloTemplate('throughput-datacenter'), 'former name');
  });
});

describe('parseSloYaml', () => {
  it('parses a valid file with matchers, durations and defaults', () => {
    const slos = parseSloYaml(
      [
        'slos:',
        '  - name: hde-errors',
        '    objective: 0.995',
        '    window: 7d',
        '    sli:',
        '      type: ratio',
        '      bad: { metric: dwcp_v3_component_errors_total, matchers: { component: hde } }',
        '      total: { metric: dwcp_v3_component_operations_total, matchers: { component: hde } }',
        '  - name: rdma-throughput',
        '    objective: 0.9',
        '    window: 1h',
        '    sli: { type: threshold, metric: dwcp_v3_rdma_throughput_bytes_per_second, op: ">", threshold: 1e9 }',
      ].join('\n'),
      'slo.yaml',
    );
    assert.equal(slos.length, 2);
    assert.equal(slos[0]!.windowMs, 7 * DAY);
    assert.deepEqual(slos[0]!.sli, {
      type: 'ratio',
      bad: { metric: 'dwcp_v3_component_errors_total', matchers: { component: 'hde' } },
      total: { metric: 'dwcp_v3_component_operations_total', matchers: { component: 'hde' } },
    });
    assert.equal(slos[1]!.windowMs, 3_600_000);
    assert.equal(slos[1]!.sli.type === 'threshold' && slos[1]!.sli.statistic, 'value');
  });

  it('names the path of an unknown metric', () => {
    configError(
      () =>
        parseSloYaml(
          'slos:\n  - {name: a, objective: 0.99, window: 1d, sli: {type: ratio, good: {metric: dwcp_nope_total}, total: {metric: dwcp_v3_component_operations_total}}}',
          'f.yaml',
        ),
      'f.yaml',
      'slos[0].sli.good.metric',
      'unknown metric "dwcp_nope_total"',
    );
  });

  it('rejects objective 1.5 (and 0, 1) with the path', () => {
    for (const o of [1.5, 0, 1, -0.1]) {
      configError(
        () =>
          parseSloYaml(
            `slos:\n  - {name: a, objective: ${o}, window: 1d, sli: {type: threshold, metric: dwcp_v3_throughput_bytes_per_second, op: ">=", threshold: 1}}`,
          ),
        'slos[0].objective',
        'strictly between 0 and 1',
      );
    }
  });

  it('reports a missing window and a bad duration with the path', () => {
    const sli = 'sli: {type: threshold, metric: dwcp_v3_throughput_bytes_per_second, op: ">=", threshold: 1}';
    configError(
      () => parseSloYaml(`slos:\n  - {name: a, objective: 0.9, ${sli}}`),
      'slos[0].window',
      'required',
    );
    configError(
      () => parseSloYaml(`slos:\n  - {name: a, objective: 0.9, window: 5x, ${sli}}`),
      'slos[0].window',
      'invalid duration',
    );
    configError(
      () => parseSloYaml(`slos:\n  - {name: a, objective: 0.9, window: 400d, ${sli}}`),
      'slos[0].window',
      'at most 366d',
    );
  });

  it('checks metric types, statistics, label matchers and the good/bad/total rule', () => {
    configError(
      () =>
        parseSloDefinitions({
          slos: [
            {
              name: 'a',
              objective: 0.9,
              window: '1d',
              sli: { type: 'threshold', metric: 'dwcp_v3_component_errors_total', op: '<', threshold: 1 },
            },
          ],
        }),
      'slos[0].sli.metric',
      'is a counter',
    );
    configError(
      () =>
        parseSloDefinitions({
          slos: [
            {
              name: 'a',
              objective: 0.9,
              window: '1d',
              sli: { type: 'threshold', metric: 'dwcp_v3_migration_latency_seconds', op: '<', threshold: 1 },
            },
          ],
        }),
      'slos[0].sli.statistic',
      'needs statistic mean or a quantile',
    );
    configError(
      () =>
        parseSloDefinitions({
          slos: [
            {
              name: 'a',
              objective: 0.9,
              window: '1d',
              sli: {
                type: 'ratio',
                good: { metric: 'dwcp_v3_migration_success_total', matchers: { region: 'x' } },
                total: { metric: 'dwcp_v3_component_operations_total' },
              },
            },
          ],
        }),
      'slos[0].sli.good.matchers.region',
      'has no label "region"',
    );
    configError(
      () =>
        parseSloDefinitions({
          slos: [
            {
              name: 'a',
              objective: 0.9,
              window: '1d',
              sli: { type: 'ratio', good: { metric: 'dwcp_v3_migration_success_total' } },
            },
          ],
        }),
      'slos[0].sli',
      'exactly two of good, bad, total',
    );
  });

  it('validates label matchers and the mode gate (when) against the catalog', () => {
    const [dc] = parseSloYaml(
      [
        'slos:',
        '  - name: tp-dc',
        '    objective: 0.99',
        '    window: 1d',
        '    sli:',
        '      type: threshold',
        '      metric: dwcp_v3_throughput_bytes_per_second',
        '      matchers: { transport: rdma }',
        '      op: ">="',
        '      threshold: 2.4e9',
        '      when: { metric: dwcp_v3_current_mode, matchers: { mode: datacenter } }',
      ].join('\n'),
    );
    assert.deepEqual(dc!.sli, {
      type: 'threshold',
      metric: 'dwcp_v3_throughput_bytes_per_second',
      matchers: { transport: 'rdma' },
      statistic: 'value',
      op: '>=',
      threshold: 2.4e9,
      when: { metric: 'dwcp_v3_current_mode', matchers: { mode: 'datacenter' } },
    });
    const tp = (over: object) => ({
      slos: [
        {
          name: 'a',
          objective: 0.9,
          window: '1d',
          sli: {
            type: 'threshold',
            metric: 'dwcp_v3_throughput_bytes_per_second',
            op: '>=',
            threshold: 1,
            ...over,
          },
        },
      ],
    });
    // The throughput metric has no mode label: scoping by mode needs the gate.
    configError(
      () => parseSloDefinitions(tp({ matchers: { mode: 'datacenter' } })),
      'slos[0].sli.matchers.mode',
      'has no label "mode"',
      'component, direction, transport',
    );
    configError(
      () => parseSloDefinitions(tp({ when: { metric: 'dwcp_v3_current_mode', matchers: { region: 'x' } } })),
      'slos[0].sli.when.matchers.region',
      'has no label "region"',
    );
    configError(
      () => parseSloDefinitions(tp({ when: { metric: 'dwcp_v3_mode_switches_total' } })),
      'slos[0].sli.when.metric',
      'is a counter',
    );
    configError(
      () => parseSloDefinitions(tp({ when: { metric: 'nope' } })),
      'slos[0].sli.when.metric',
      'unknown metric',
    );
    configError(
      () =>
        parseSloDefinitions({
          slos: [
            {
              name: 'a',
              objective: 0.9,
              window: '1d',
              sli: {
                type: 'threshold',
                metric: 'dwcp_v3_migration_latency_seconds',
                statistic: 'p99',
                op: '<',
                threshold: 1,
                when: { metric: 'dwcp_v3_current_mode' },
              },
            },
          ],
        }),
      'slos[0].sli.when',
      'only supported for gauge SLIs',
    );
  });

  it('rejects unknown fields, duplicate names, invalid YAML and oversize text', () => {
    const sli = { type: 'threshold', metric: 'dwcp_v3_throughput_bytes_per_second', op: '>=', threshold: 1 };
    configError(
      () => parseSloDefinitions({ slos: [{ name: 'a', objective: 0.9, window: '1d', sli, extra: 1 }] }),
      'slos[0]',
      'extra',
    );
    configError(
      () =>
        parseSloDefinitions({
          slos: [
            { name: 'a', objective: 0.9, window: '1d', sli },
            { name: 'a', objective: 0.9, window: '1d', sli },
          ],
        }),
      'slos[1].name',
      'duplicate',
    );
    configError(() => parseSloYaml('slos: [ {', 'x.yaml'), 'x.yaml', 'invalid YAML');
    configError(() => parseSloYaml(' '.repeat(MAX_SLO_TEXT_LENGTH + 1)), 'longer than');
    configError(() => parseSloYaml(''), '(root)');
  });
});
