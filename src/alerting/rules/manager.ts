/**
 * The loaded rule files and their engine: (re)loads files all or nothing — a reload with any problem keeps the
 * running rules and reports the problems (file, line, column) — and lists the rules with their alert counts.
 */
import type { RuleFileProblem, RulesOverview } from '../../contract/alerting.ts';
import { FileValidationError } from '../../errors.ts';
import { selectorsOf } from './conditions.ts';
import { RuleEngine, type RuleAlert } from './engine.ts';
import { loadRuleFiles } from './loader.ts';
import type { ParseRuleOptions } from './parse.ts';
import type { MetricNeed } from './series-window.ts';
import { rulesOf, type RuleSet } from './types.ts';

/** Rule files, engine and reload status. */
export class RuleManager {
  readonly engine = new RuleEngine();
  private set: RuleSet = { files: [], groups: [] };
  private loadedAtMs: number | null = null;
  private lastReload: RulesOverview['lastReload'] = null;

  constructor(
    private readonly files: readonly string[],
    private readonly opts: ParseRuleOptions,
  ) {}

  /**
   * Loads (or reloads) the files. On success the new rules replace the old ones (alerts of unchanged rules
   * keep their state) and the alerts of removed rules are returned as resolved.
   * @throws FileValidationError with every problem; the running rules are unchanged
   */
  load(nowMs: number): (RuleAlert & { resolvedAtMs: number })[] {
    let set: RuleSet;
    try {
      set = loadRuleFiles(this.files, this.opts);
    } catch (e) {
      const problems: RuleFileProblem[] =
        e instanceof FileValidationError
          ? [...e.problems]
          : [{ file: '', line: null, column: null, path: '', message: (e as Error).message }];
      this.lastReload = { atMs: nowMs, ok: false, problems };
      throw e;
    }
    this.set = set;
    this.loadedAtMs = nowMs;
    this.lastReload = { atMs: nowMs, ok: true, problems: [] };
    return this.engine.setRules(set, nowMs);
  }

  /** What the series window must keep for the loaded rules. */
  needs(): MetricNeed[] {
    return rulesOf(this.set).flatMap((r) =>
      selectorsOf(r.condition).map((s) => ({ metric: s.selector.metric, windowMs: s.windowMs })),
    );
  }

  /** Longest window any loaded rule reads (ms). */
  longestWindowMs(): number {
    return Math.max(0, ...this.needs().map((n) => n.windowMs));
  }

  /** Files, rules and the last reload's outcome. */
  overview(): RulesOverview {
    return {
      files: [...this.files],
      loadedAtMs: this.loadedAtMs,
      rules: this.engine.status(),
      lastReload: this.lastReload,
    };
  }
}
