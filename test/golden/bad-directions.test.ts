/**
 * Golden: the bad direction of every series the live monitor analyses from the catalog (analysed kinds, outside
 * the monitor's self-metrics), as the detection engine resolves it (src/catalog/impact.ts `badDirectionOf`).
 * A change is deliberate: regenerate with UPDATE_GOLDEN=1 and say why in the entry's `badDirection.why`.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { KIND_DEFAULTS } from '../../src/analysis/anomaly/statistical.ts';
import { badDirectionOf, KIND_BAD_DIRECTION } from '../../src/catalog/impact.ts';
import { CATALOG } from '../../src/catalog/index.ts';
import { METRIC_KINDS } from '../../src/model/anomaly.ts';
import { LIVE_ANALYSED_KINDS } from '../../src/monitor/live-detector.ts';

const FIXTURE = new URL('./fixtures/bad-directions.json', import.meta.url);
const DIRECTIONS = new Set(['up', 'down', 'both']);

const analysed = CATALOG.filter((m) => m.group !== 'monitor' && LIVE_ANALYSED_KINDS.has(m.anomalyKind));

describe('bad direction of every analysed catalog metric', () => {
  it('matches the golden file (metric → kind, direction, per-label directions)', () => {
    const table = analysed.map((m) => {
      const b = m.badDirection?.byLabel;
      const byLabel =
        b === undefined
          ? undefined
          : {
              label: b.label,
              values: Object.fromEntries(
                Object.keys(b.values).map((v) => [v, badDirectionOf(m, m.anomalyKind, { [b.label]: v })]),
              ),
            };
      return {
        metric: m.name,
        kind: m.anomalyKind,
        direction: badDirectionOf(m, m.anomalyKind),
        explicit: m.badDirection !== undefined,
        ...(byLabel ? { byLabel } : {}),
      };
    });
    const actual = JSON.stringify(table, null, 2) + '\n';
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(FIXTURE, actual);
    assert.equal(actual, readFileSync(FIXTURE, 'utf8'));
  });

  it('resolves to up, down or both for every analysed metric and every label value, with a reason where it is explicit', () => {
    assert.ok(analysed.length > 40, `${analysed.length} analysed metrics`);
    for (const m of analysed) {
      assert.ok(DIRECTIONS.has(badDirectionOf(m, m.anomalyKind)), m.name);
      const b = m.badDirection;
      if (b === undefined) continue;
      assert.ok(b.why.length > 20, `${m.name}: why`);
      if (b.byLabel === undefined) continue;
      assert.ok(m.labels.includes(b.byLabel.label), `${m.name}: ${b.byLabel.label} is one of its labels`);
      for (const [v, d] of Object.entries(b.byLabel.values)) {
        assert.ok(DIRECTIONS.has(d.direction) && d.why.length > 20, `${m.name}{${b.byLabel.label}="${v}"}`);
        assert.equal(badDirectionOf(m, m.anomalyKind, { [b.byLabel.label]: v }), d.direction);
      }
      // A value the entry does not list takes the entry's direction.
      assert.equal(badDirectionOf(m, m.anomalyKind, { [b.byLabel.label]: 'not-listed' }), b.direction);
    }
  });

  it("the detectors' per-kind defaults are the catalog's kind directions", () => {
    for (const k of METRIC_KINDS) assert.equal(KIND_DEFAULTS[k].direction, KIND_BAD_DIRECTION[k], k);
    assert.equal(badDirectionOf(undefined, 'latency'), 'up');
    assert.equal(badDirectionOf(undefined, 'health'), 'down');
  });
});
