/**
 * The layers of the code base and the imports each may make (docs/architecture.md, "Layers"), enforced by
 * eslint-plugin-boundaries in `npm run lint`. A file may import its own layer and the layers listed for it;
 * everything else is an error, type-only imports included (except where a policy says `kind: 'type'`).
 * Files outside every layer (test/, bench/, scripts/, config files) are not checked.
 */

/** Layer name → path pattern, from the repository root. `*.ts` patterns are single files. */
export const LAYERS = {
  errors: 'src/errors.ts',
  math: 'src/math',
  model: 'src/model',
  catalog: 'src/catalog',
  contract: 'src/contract',
  query: 'src/query',
  analysis: 'src/analysis',
  store: 'src/store',
  sdk: 'src/sdk',
  ingest: 'src/ingest',
  remoteStore: 'src/remote-store',
  alerting: 'src/alerting',
  generate: 'src/generate',
  sim: 'src/sim',
  traces: 'src/traces',
  logs: 'src/logs',
  dashboards: 'src/dashboards',
  auth: 'src/auth',
  collector: 'src/collector',
  profiles: 'src/profiles',
  config: 'src/config.ts',
  configSections: 'src/config',
  monitor: 'src/monitor',
  server: 'src/server',
  eval: 'src/eval',
  reports: 'src/reports',
  summaries: 'src/summaries',
  demo: 'src/demo',
  cli: 'src/cli',
  main: 'src/main.ts',
  compose: 'src/compose',
  web: 'web/src',
};

/** Every layer: what the composition layers (demo, cli, main) may import. */
const ALL = Object.keys(LAYERS);

/**
 * Layer → layers it may import (besides itself). `{ layer, kind: 'type' }` allows type-only imports only.
 * Mirrors the target layering of the structure work. `config` (src/config.ts, the monitor's configuration
 * schema) sits below the evaluators and the composition root, which read it.
 */
export const ALLOWED = {
  errors: [],
  math: ['errors'],
  model: ['errors'],
  catalog: ['model', 'errors'],
  contract: ['model', 'catalog', 'errors'],
  query: ['model', 'errors'],
  analysis: ['math', 'model', 'catalog', 'errors'],
  store: ['model', 'catalog', 'errors', 'math'],
  sdk: ['model', 'catalog', 'errors'],
  ingest: ['model', 'catalog', 'errors', 'math'],
  remoteStore: ['store', 'ingest', 'model', 'catalog', 'errors', 'math'],
  alerting: ['store', 'model', 'catalog', 'errors', 'contract', 'math'],
  generate: ['model', 'catalog', 'errors', 'contract', 'analysis'],
  sim: ['sdk', 'model', 'catalog', 'errors', 'math'],
  traces: ['store', 'contract', 'model', 'catalog', 'errors', 'math'],
  logs: ['traces', 'store', 'contract', 'model', 'catalog', 'errors', 'math'],
  dashboards: ['store', 'contract', 'model', 'catalog', 'errors', 'math'],
  auth: ['store', 'contract', 'model', 'catalog', 'errors', 'math'],
  collector: ['sdk', 'model', 'catalog', 'errors', 'math'],
  profiles: ['sdk', 'store', 'model', 'catalog', 'errors', 'math'],
  config: ['configSections', 'model', 'catalog', 'errors', 'math'],
  configSections: ['model', 'catalog', 'errors', 'math'],
  monitor: ['analysis', 'store', 'ingest', 'alerting', 'contract', 'model', 'catalog', 'errors', 'math'],
  server: ['contract', 'query', 'model', 'catalog', 'errors', { layer: 'store', kind: 'type' }],
  eval: ['sim', 'monitor', 'analysis', 'ingest', 'store', 'alerting', 'contract', 'config', 'model', 'catalog', 'errors', 'math'],
  reports: ['monitor', 'analysis', 'store', 'contract', 'model', 'catalog', 'errors', 'math'],
  summaries: ['monitor', 'analysis', 'store', 'contract', 'model', 'catalog', 'errors', 'math'],
  demo: ALL,
  cli: ALL,
  main: ALL,
  compose: ALL,
  web: [{ layer: 'contract', kind: 'type' }],
};

/** eslint-plugin-boundaries settings: one file category per layer, matched on the path from the root. */
export function boundariesSettings() {
  return {
    'boundaries/files': Object.entries(LAYERS).map(([category, pattern]) => ({
      category,
      pattern: pattern.endsWith('.ts') ? pattern : `${pattern}/**`,
    })),
    'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
  };
}

/** Options of the `boundaries/dependencies` rule built from {@link ALLOWED}; there are no exceptions. */
export function boundariesRuleOptions() {
  const policies = Object.entries(ALLOWED).map(([from, targets]) => ({
    from: { file: { categories: from } },
    allow: [
      { to: { file: { categories: from } } },
      ...targets.map((t) =>
        typeof t === 'string'
          ? { to: { file: { categories: t } } }
          : { to: { file: { categories: t.layer } }, dependency: { kind: t.kind } },
      ),
    ],
  }));
  return { default: 'disallow', checkUnknownLocals: true, checkInternals: true, policies };
}
