import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadMonitorConfig, parseMonitorConfig, readMonitorConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../../src/model/detection-settings.ts';
import {
  DEFAULT_CAPACITY_EVIDENCE,
  DEFAULT_MODE_LATENCY,
  DEFAULT_REGION_WARMUP,
  DEFAULT_SLO_EVIDENCE,
} from '../../src/model/insight-settings.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('monitor configuration: slo, health and capacity sections', () => {
  it('defaults: built-in SLO templates, the documented gates and per-mode latency scales', () => {
    const c = parseMonitorConfig({});
    assert.equal(c.slo.file, undefined);
    assert.equal(c.slo.definitions, undefined);
    assert.deepEqual(
      [c.slo.step, c.slo.minObserved, c.slo.minWindowCoverage, c.slo.alpha],
      [
        10_000,
        DEFAULT_SLO_EVIDENCE.minObservedMs,
        DEFAULT_SLO_EVIDENCE.minWindowCoverage,
        DEFAULT_SLO_EVIDENCE.alpha,
      ],
    );
    assert.deepEqual(
      [c.health.warmup, c.health.minLatencyObservations],
      [DEFAULT_REGION_WARMUP.warmupMs, DEFAULT_REGION_WARMUP.minLatencyObservations],
    );
    assert.deepEqual(c.health.modes.internet, {
      latencyBaseline: DEFAULT_MODE_LATENCY.internet.baselineMs,
      latencyZeroScore: DEFAULT_MODE_LATENCY.internet.zeroScoreMs,
    });
    assert.deepEqual(c.capacity, {
      minHistory: DEFAULT_CAPACITY_EVIDENCE.minHistoryMs,
      minPoints: DEFAULT_CAPACITY_EVIDENCE.minPoints,
    });
  });

  it('reads durations as text and keeps inline SLO definitions for validation at start', () => {
    const c = parseMonitorConfig({
      slo: { definitions: [{ name: 'x' }], minObserved: '2h', minWindowCoverage: 0.5 },
      health: { warmup: '30s', modes: { internet: { latencyBaseline: '800ms', latencyZeroScore: '8s' } } },
      capacity: { minHistory: '6h' },
    });
    assert.deepEqual(c.slo.definitions, [{ name: 'x' }]);
    assert.equal(c.slo.minObserved, 7_200_000);
    assert.equal(c.health.warmup, 30_000);
    assert.deepEqual(c.health.modes.internet, { latencyBaseline: 800, latencyZeroScore: 8000 });
    assert.deepEqual(c.health.modes.datacenter, { latencyBaseline: 10, latencyZeroScore: 100 });
    assert.equal(c.capacity.minHistory, 21_600_000);
  });

  it('rejects bad values naming the field', () => {
    const bad = (raw: unknown, re: RegExp) =>
      assert.throws(
        () => parseMonitorConfig(raw),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
      );
    bad({ slo: { file: 'a.yaml', definitions: [{}] } }, /slo: give either file or definitions, not both/);
    bad({ slo: { minWindowCoverage: 1.5 } }, /slo\.minWindowCoverage/);
    bad({ slo: { alpha: 0 } }, /slo\.alpha/);
    bad(
      { health: { modes: { hybrid: { latencyBaseline: '1s', latencyZeroScore: '500ms' } } } },
      /health\.modes\.hybrid: latencyZeroScore must be greater than latencyBaseline/,
    );
    bad({ health: { modes: { lan: {} } } }, /health\.modes/);
    bad({ capacity: { minHistory: '0' } }, /capacity\.minHistory/);
  });

  it('examples/monitor.yaml is valid, and so are its inline SLOs', async () => {
    const { resolveSloDefinitions } = await import('../../src/monitor/slo-definitions.ts');
    const ex = readMonitorConfig('examples/monitor.yaml');
    assert.deepEqual(
      resolveSloDefinitions(ex.config.slo, { baseDir: 'examples', locate: ex.locate }).map((s) => s.name),
      ['availability', 'hde-errors'],
    );
    assert.equal(ex.config.capacity.minHistory, 86_400_000);
    // The example keeps enough raw samples for a capacity plan.
    assert.ok(ex.config.storage.retention >= ex.config.capacity.minHistory);
  });

  it('errors of a file carry the line and column of the bad field', () => {
    const p = file('bad.yaml', ['listen:', '  port: 90', 'health:', '  warmup: soon', ''].join('\n'));
    assert.throws(
      () => loadMonitorConfig(p),
      (e: unknown) => e instanceof ConfigError && /health\.warmup \(line 4, column 11\): /.test(e.message),
    );
    const misspelt = file(
      'keys.yaml',
      ['listen:', '  port: 90', 'storge:', '  path: x.db', 'scrape:', '  intervall: 2s', ''].join('\n'),
    );
    assert.throws(
      () => loadMonitorConfig(misspelt),
      (e: unknown) =>
        e instanceof ConfigError &&
        /storge \(line 3, column 1\): unknown key/.test(e.message) &&
        /scrape\.intervall \(line 6, column 3\): unknown key/.test(e.message),
    );
    const ok = readMonitorConfig(file('ok.yaml', 'slo:\n  definitions:\n    - name: a\n'));
    assert.deepEqual(ok.locate(['slo', 'definitions', 0, 'name']), { line: 3, col: 13 });
  });
});

describe('monitor configuration: series outside the catalog', () => {
  it('series outside the catalog are inferred by default, with a warm-up and no rules', () => {
    const d = parseMonitorConfig({}).detection;
    assert.equal(d.inference, true);
    assert.deepEqual(d.series, []);
    assert.equal(d.inferredWarmup, DEFAULT_DETECTION_SETTINGS.inferredWarmup);
    assert.equal(d.inferredMinDuration, 180_000);
  });

  it('detection.inferredMinDuration is a duration from 0 to a day', () => {
    assert.equal(
      parseMonitorConfig({ detection: { inferredMinDuration: '5m' } }).detection.inferredMinDuration,
      300_000,
    );
    assert.equal(
      parseMonitorConfig({ detection: { inferredMinDuration: 0 } }).detection.inferredMinDuration,
      0,
    );
    for (const bad of [-1, '25h', 'soon'])
      assert.throws(
        () => parseMonitorConfig({ detection: { inferredMinDuration: bad } }),
        /inferredMinDuration/,
        String(bad),
      );
  });

  it('detection.series rules and the warm-up are read from the configuration', () => {
    const d = parseMonitorConfig({
      detection: {
        inference: true,
        inferredWarmup: '15m',
        series: [
          { match: 'myapp_.*_depth', labels: { queue: 'ingest|export' }, kind: 'utilization' },
          { match: 'node_load.*', kind: 'ignore' },
        ],
      },
    }).detection;
    assert.equal(d.inferredWarmup, 900_000);
    assert.deepEqual(d.series, [
      { match: 'myapp_.*_depth', labels: { queue: 'ingest|export' }, kind: 'utilization' },
      { match: 'node_load.*', kind: 'ignore' },
    ]);
    assert.equal(parseMonitorConfig({ detection: { inference: false } }).detection.inference, false);
  });

  it('a bad detection.series rule is refused with its path', () => {
    const bad = (series: unknown[]): string => {
      try {
        parseMonitorConfig({ detection: { series } });
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        return e.message;
      }
      assert.fail('accepted');
    };
    assert.match(
      bad([{ match: '(', kind: 'latency' }]),
      /detection\.series\.0\.match: must be a valid regular expression/,
    );
    assert.match(bad([{ match: 'x', kind: 'speed' }]), /detection\.series\.0\.kind/);
    assert.match(
      bad([{ match: 'x', labels: { '0bad': 'y' }, kind: 'latency' }]),
      /detection\.series\.0\.labels/,
    );
    assert.match(bad([{ match: 'x', kind: 'latency', extra: 1 }]), /detection\.series\.0/);
  });
});

describe('monitor configuration: limits', () => {
  it('defaults bound every target; targets may override single limits', () => {
    const c = parseMonitorConfig({
      targets: [{ id: 'n1', url: 'http://127.0.0.1:9101/metrics', limits: { sampleLimit: 10 } }],
    });
    assert.deepEqual(c.limits, {
      sampleLimit: 50_000,
      labelLimit: 64,
      labelNameLengthLimit: 256,
      labelValueLengthLimit: 4096,
      maxSampleAge: 3_600_000,
      maxSampleAhead: 600_000,
      redirects: 'same-host',
      promqlSeriesMax: 10_000,
    });
    assert.deepEqual(c.targets[0]!.limits, { sampleLimit: 10 });
    const d = parseMonitorConfig({
      limits: {
        maxSampleAge: '2h',
        maxSampleAhead: '0s',
        sampleLimit: 0,
        redirects: 'none',
        promqlSeriesMax: 50,
      },
    });
    assert.deepEqual(
      [
        d.limits.maxSampleAge,
        d.limits.maxSampleAhead,
        d.limits.sampleLimit,
        d.limits.redirects,
        d.limits.promqlSeriesMax,
      ],
      [7_200_000, 0, 0, 'none', 50],
    );
  });

  it('rejects negative or fractional limits, unknown fields and unknown redirect policies', () => {
    const bad = (raw: unknown, re: RegExp) =>
      assert.throws(
        () => parseMonitorConfig(raw),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
      );
    bad({ limits: { sampleLimit: -1 } }, /limits\.sampleLimit/);
    bad({ limits: { labelLimit: 1.5 } }, /limits\.labelLimit/);
    bad({ limits: { redirects: 'follow' } }, /limits\.redirects/);
    bad({ limits: { promqlSeriesMax: 0 } }, /limits\.promqlSeriesMax/);
    bad({ limits: { maxSampleAge: '10ms' } }, /limits\.maxSampleAge/);
    bad(
      { targets: [{ id: 'a', url: 'http://127.0.0.1:1/metrics', limits: { samples: 1 } }] },
      /targets\.0\.limits/,
    );
  });
});
