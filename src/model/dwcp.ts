/** Shared DWCP vocabulary: components, modes, versions, health. No I/O. */

/** The six DWCP components (seed 000). */
export const COMPONENTS = ['amst', 'hde', 'pba', 'ass', 'acp', 'itp'] as const;
export type Component = (typeof COMPONENTS)[number];

/** Network modes (seed 000; mode selection in inventory section 7.2). */
export const MODES = ['datacenter', 'internet', 'hybrid'] as const;
export type Mode = (typeof MODES)[number];

/** Protocol versions under staged rollout. */
export const VERSIONS = ['v1', 'v3'] as const;
export type ProtocolVersion = (typeof VERSIONS)[number];

/** Rollout milestones in percent (seed 000 "Rollout Tracking"). */
export const ROLLOUT_STAGES = [0, 10, 25, 50, 75, 100] as const;
export type RolloutStage = (typeof ROLLOUT_STAGES)[number];

/** Component health as exported by `dwcp_system_component_health` (seed 001): 0 down, 1 degraded, 2 healthy. */
export const HEALTH = { down: 0, degraded: 1, healthy: 2 } as const;
export type HealthValue = (typeof HEALTH)[keyof typeof HEALTH];
export type HealthState = keyof typeof HEALTH;

/** Severity scale of anomalies and regressions (seed 000). */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Numeric rank of a severity, for comparisons and minimum-severity filters. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function isComponent(s: string): s is Component {
  return (COMPONENTS as readonly string[]).includes(s);
}
export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}
export function isMode(s: string): s is Mode {
  return (MODES as readonly string[]).includes(s);
}
