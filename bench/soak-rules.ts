/**
 * The generated Prometheus side of a soak: writes `dwcp-monitor generate`'s output to a directory, reads the
 * `dwcp` job's scrape interval and the evaluation interval from the generated prometheus.yml, lists the sample
 * names the rules read, and evaluates the rule files over the series a soak recorded with the real promtool
 * (src/eval/soak/promtool.ts). Shared by `npm run bench:soak` and the soak test.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { SoakOptions } from '../src/eval/soak/options.ts';
import type { AlertWindow } from '../src/eval/soak/faulted.ts';
import { runPromtoolAlerts, type PromtoolAlerts } from '../src/eval/soak/promtool.ts';
import type { PromRecorder } from '../src/eval/soak/prom-recorder.ts';
import { generateAll, writeTree } from '../src/generate/index.ts';
import { ruleFiles, ruleSampleNames } from '../src/generate/rules/index.ts';
import { parseDuration } from '../src/model/duration.ts';

/** The generated configuration in a temporary directory. */
export interface GeneratedRules {
  readonly dir: string;
  /** Absolute paths of the rule files, recording files first. */
  readonly ruleFiles: readonly string[];
  /** Scrape interval of the `dwcp` job, s. */
  readonly scrapeIntervalSeconds: number;
  /** Global rule evaluation interval, s. */
  readonly evaluationIntervalSeconds: number;
  /** The `prometheus` options of a soak that records what the rules read. */
  readonly soakPrometheus: NonNullable<SoakOptions['prometheus']>;
  /** Removes the directory. */
  remove(): void;
}

interface PromConfig {
  global: { scrape_interval: string; evaluation_interval: string };
  scrape_configs: { job_name: string; scrape_interval?: string }[];
}

/** Writes the generated tree to a new temporary directory and reads its intervals. */
export function generateRules(): GeneratedRules {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-soak-rules-'));
  writeTree(dir, generateAll());
  const cfg = parseYaml(readFileSync(join(dir, 'prometheus/prometheus.yml'), 'utf8')) as PromConfig;
  const job = cfg.scrape_configs.find((c) => c.job_name === 'dwcp');
  if (!job) throw new Error('generated prometheus.yml has no dwcp job');
  const scrapeIntervalSeconds = parseDuration(job.scrape_interval ?? cfg.global.scrape_interval) / 1000;
  const evaluationIntervalSeconds = parseDuration(cfg.global.evaluation_interval) / 1000;
  return {
    dir,
    ruleFiles: ruleFiles().map((f) => join(dir, 'prometheus/rules', f)),
    scrapeIntervalSeconds,
    evaluationIntervalSeconds,
    soakPrometheus: { intervalSeconds: scrapeIntervalSeconds, sampleNames: ruleSampleNames() },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Evaluates the generated rules over what `recorder` recorded; the alerts that fired (and per window). */
export function evaluateRules(
  rules: GeneratedRules,
  recorder: PromRecorder,
  promtool: string,
  windows: readonly AlertWindow[] = [],
): PromtoolAlerts {
  return runPromtoolAlerts({
    windows,
    promtool,
    ruleFiles: rules.ruleFiles,
    dir: rules.dir,
    series: recorder.inputSeries(),
    scrapeIntervalSeconds: recorder.intervalSeconds,
    evaluationIntervalSeconds: rules.evaluationIntervalSeconds,
    points: recorder.points,
  });
}
