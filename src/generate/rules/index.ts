/** All generated rule groups (v1, Phase 6 production, SLO burn rates) and lookups over them. */
import { selectorNames } from '../promql/selectors.ts';
import { PRODUCTION_GROUPS } from './production.ts';
import { sloGroups } from './slo.ts';
import type { AlertRule, RecordingRule, RuleGroup } from './types.ts';
import { V1_GROUPS } from './v1.ts';

/** Every rule group, recording groups of a file before its alert groups. */
export function allRuleGroups(): RuleGroup[] {
  return [...V1_GROUPS, ...PRODUCTION_GROUPS, ...sloGroups()];
}

/** Every alerting rule, in group order. */
export function allAlerts(groups: readonly RuleGroup[] = allRuleGroups()): AlertRule[] {
  return groups.flatMap((g) => g.rules.filter((r): r is AlertRule => r.kind === 'alert'));
}

/** Every recording rule, in group order. */
export function allRecordingRules(groups: readonly RuleGroup[] = allRuleGroups()): RecordingRule[] {
  return groups.flatMap((g) => g.rules.filter((r): r is RecordingRule => r.kind === 'record'));
}

/** Rule file names (under prometheus/rules/) in first-seen order: recording files first. */
export function ruleFiles(groups: readonly RuleGroup[] = allRuleGroups()): string[] {
  const files = [...new Set(groups.map((g) => g.file))];
  return [...files.filter((f) => f.includes('recording')), ...files.filter((f) => !f.includes('recording'))];
}

/**
 * The scraped sample names the rules read (selector names that are not recording-rule outputs), sorted: what a
 * Prometheus server must have scraped for every rule to see its input.
 */
export function ruleSampleNames(groups: readonly RuleGroup[] = allRuleGroups()): string[] {
  const names = new Set<string>();
  for (const g of groups) for (const r of g.rules) selectorNames(r.expr, names);
  const recorded = new Set(allRecordingRules(groups).map((r) => r.record));
  return [...names].filter((n) => !recorded.has(n)).sort();
}
