/**
 * The layering rule of eslint.config.js (eslint-plugin-boundaries, layers in eslint.boundaries.js) run through
 * ESLint's Node API on source text placed in a layer's folder: forbidden imports fail, allowed ones pass, type-only
 * imports count, and a file outside every layer is reported.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, posix, relative } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';
import { ALLOWED, LAYERS } from '../../../eslint.boundaries.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

type Layer = string;

/** Messages of the boundaries rules for `code` linted as if it were the file `file` (path from the root). */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  assert.ok(result, 'ESLint returned no result');
  return result.messages
    .filter((m) => m.ruleId?.startsWith('boundaries/'))
    .map((m) => `${m.ruleId}: ${m.message}`);
}

/** An import of `target` (path from the root) written from `file`, with the extension as the code base writes it. */
function importOf(file: string, target: string, typeOnly = false): string {
  let spec = posix.relative(posix.dirname(file), target);
  if (!spec.startsWith('.')) spec = `./${spec}`;
  return `import ${typeOnly ? 'type ' : ''}* as m from '${spec}';\nexport const used = [typeof m];\n`;
}

/** A fixture file name inside a layer (the file need not exist; imports resolve from its folder). */
function fixtureIn(layer: Layer): string {
  const p = LAYERS[layer]!;
  return p.endsWith('.ts') ? p : `${p}/boundaries-fixture.ts`;
}

/** An existing file of a layer to import, or undefined when the layer has no file yet. */
function fileOf(layer: Layer): string | undefined {
  const p = LAYERS[layer]!;
  if (p.endsWith('.ts')) return p;
  try {
    const name = readdirSync(join(ROOT, p))
      .sort()
      .find((n) => /\.tsx?$/.test(n));
    return name === undefined ? undefined : `${p}/${name}`;
  } catch {
    return undefined;
  }
}

describe('layering lint rule', () => {
  it('rejects the imports the layering forbids, type-only imports included', async () => {
    const forbidden: [string, string, boolean][] = [
      ['src/analysis/slo/fixture.ts', 'src/store/types.ts', true],
      ['src/analysis/fixture.ts', 'src/monitor/series-tracker.ts', false],
      ['src/store/fixture.ts', 'src/analysis/slo/budget.ts', true],
      ['src/server/fixture.ts', 'src/sim/cluster.ts', false],
      ['src/server/routes/fixture.ts', 'src/monitor/rollout-provider.ts', true],
      ['src/server/fixture.ts', 'src/store/query.ts', false],
      ['src/monitor/fixture.ts', 'src/server/deps.ts', true],
      ['src/monitor/fixture.ts', 'src/sdk/logger.ts', false],
      ['src/generate/grafana/fixture.ts', 'src/monitor/insights-exporter.ts', false],
      ['src/generate/fixture.ts', 'src/server/app.ts', true],
      ['src/model/fixture.ts', 'src/catalog/index.ts', false],
      ['src/errors.ts', 'src/model/dwcp.ts', true],
      ['web/src/fixture.ts', 'src/model/dwcp.ts', true],
      ['web/src/components/fixture.tsx', 'src/server/routes/series.ts', true],
      ['web/src/fixture.ts', 'src/contract/series.ts', false],
    ];
    for (const [file, target, typeOnly] of forbidden) {
      const errors = await boundaryErrors(file, importOf(file, target, typeOnly));
      assert.equal(
        errors.length,
        1,
        `${file} → ${target}${typeOnly ? ' (type only)' : ''} must fail: ${errors.join('; ')}`,
      );
      assert.match(errors[0]!, /^boundaries\/dependencies: /);
    }
  });

  it('accepts the imports the layering allows', async () => {
    const allowed: [string, string, boolean][] = [
      ['src/analysis/slo/fixture.ts', 'src/analysis/canary/judge.ts', false],
      ['src/analysis/fixture.ts', 'src/errors.ts', false],
      ['src/server/routes/fixture.ts', 'src/contract/rollout.ts', false],
      ['src/server/fixture.ts', 'src/store/types.ts', true],
      ['src/server/fixture.ts', 'src/store/query.ts', true],
      ['src/monitor/fixture.ts', 'src/contract/live.ts', true],
      ['src/generate/grafana/fixture.ts', 'src/contract/rollout.ts', false],
      ['src/generate/fixture.ts', 'src/analysis/slo/definition.ts', false],
      ['src/main.ts', 'src/monitor/live-feed.ts', false],
      ['src/cli/fixture.ts', 'src/server/app.ts', false],
      ['web/src/components/fixture.tsx', 'src/contract/anomalies.ts', true],
    ];
    for (const [file, target, typeOnly] of allowed) {
      const errors = await boundaryErrors(file, importOf(file, target, typeOnly));
      assert.deepEqual(errors, [], `${file} → ${target}${typeOnly ? ' (type only)' : ''} must pass`);
    }
  });

  it('reports a source file outside every layer', async () => {
    const errors = await boundaryErrors('src/newsystem/fixture.ts', 'export const x = 1;\n');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^boundaries\/no-unknown-files: /);
  });

  it('enforces exactly the allowed-import table for every pair of layers (value imports)', async () => {
    const layers = Object.keys(LAYERS);
    let checked = 0;
    for (const from of layers) {
      const file = fixtureIn(from);
      const allowedValue = new Set<string>([
        from,
        ...(ALLOWED[from] ?? []).filter((t): t is string => typeof t === 'string'),
      ]);
      for (const to of layers) {
        const target = fileOf(to);
        if (target === undefined || target === file) continue;
        const errors = await boundaryErrors(file, importOf(file, target));
        assert.equal(
          errors.length === 0,
          allowedValue.has(to),
          `${from} → ${to} (${target}): ${errors.join('; ') || 'no error'}`,
        );
        checked++;
      }
    }
    assert.ok(checked > 250, `only ${checked} layer pairs checked`);
  });

  it('matches the layer table of docs/architecture.md', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Layers'), doc.indexOf('\n## ', doc.indexOf('## Layers') + 1));
    const byPath = new Map(
      Object.entries(LAYERS).map(([layer, p]) => [p.endsWith('.ts') ? p : `${p}/`, layer]),
    );
    const documented = new Map<string, string[]>();
    for (const m of section.matchAll(/^\| (`[^|]+) \| ([^|]+) \|$/gm)) {
      const cell = m[2]!.trim();
      const imports =
        cell === '—'
          ? []
          : cell
              .replace(' (and zod)', '')
              .split(', ')
              .map((t) => t.replace(/^(\w+) \(type-only imports\)$/, '$1:type'));
      for (const path of m[1]!.matchAll(/`([^`]+)`/g)) {
        const layer = byPath.get(path[1]!);
        assert.ok(layer, `docs/architecture.md names ${path[1]}, which is no layer`);
        documented.set(layer, imports);
      }
    }
    const everything = Object.keys(LAYERS).sort();
    for (const [layer, targets] of Object.entries(ALLOWED)) {
      const expected = targets.map((t) => (typeof t === 'string' ? t : `${t.layer}:${t.kind}`));
      const got = documented.get(layer);
      assert.ok(got, `layer ${layer} is missing from docs/architecture.md`);
      if (got.length === 1 && got[0] === 'anything')
        assert.deepEqual([...new Set([...expected, layer])].sort(), everything, layer);
      else assert.deepEqual([...got].sort(), [...expected].sort(), layer);
    }
    assert.equal(documented.size, Object.keys(ALLOWED).length);
  });
});

// The fixture paths above are relative to the repository root; keep the root where this file expects it.
assert.equal(
  relative(ROOT, fileURLToPath(import.meta.url)),
  join('test', 'unit', 'lint', 'boundaries.test.ts'),
);
