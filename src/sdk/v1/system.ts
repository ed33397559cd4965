/** System wrapper of seed 001: component health (0/1/2), feature toggles, version info. */
import type { Gauge } from 'prom-client';
import { InvalidInputError } from '../../errors.ts';
import { HEALTH, type HealthState } from '../../model/dwcp.ts';
import type { CatalogMetrics } from '../../catalog/registry.ts';
import { nonEmpty } from '../validate.ts';
import { checkBase, type V1BaseLabels } from './base.ts';

/** Records component health, feature toggles and build information on `dwcp_system_*`. */
export class SystemMetrics {
  private readonly base: V1BaseLabels;
  private readonly health: Gauge<string>;
  private readonly enabled: Gauge<string>;
  private readonly version: Gauge<string>;
  private versionLabels: Record<string, string> | undefined;

  constructor(metrics: CatalogMetrics, base: V1BaseLabels) {
    this.base = checkBase(base);
    this.health = metrics.gauge('dwcp_system_component_health');
    this.enabled = metrics.gauge('dwcp_system_config_enabled');
    this.version = metrics.gauge('dwcp_system_version_info');
  }

  /**
   * Health of `component` (any component name, e.g. "amst" or "dwcp_manager"): healthy 2, degraded 1, down 0.
   * @throws InvalidInputError on an empty component or unknown state.
   */
  onComponentHealthChange(component: string, state: HealthState): void {
    nonEmpty(component, 'component');
    if (!Object.hasOwn(HEALTH, state))
      throw new InvalidInputError(`health state must be healthy, degraded or down, got ${String(state)}`);
    this.health.set({ ...this.base, component }, HEALTH[state]);
  }

  /** Feature toggle state: 1 enabled, 0 disabled. @throws InvalidInputError on an empty feature name. */
  onFeatureToggle(feature: string, on: boolean): void {
    nonEmpty(feature, 'feature');
    this.enabled.set({ ...this.base, feature }, on ? 1 : 0);
  }

  /**
   * Build information (always 1); replaces a previously set version series of this cluster.
   * @throws InvalidInputError on empty values.
   */
  setVersionInfo(version: string, gitCommit: string, buildDate: string): void {
    nonEmpty(version, 'version');
    nonEmpty(gitCommit, 'git commit');
    nonEmpty(buildDate, 'build date');
    if (this.versionLabels) this.version.remove(this.versionLabels);
    this.versionLabels = {
      cluster: this.base.cluster,
      version,
      git_commit: gitCommit,
      build_date: buildDate,
    };
    this.version.set(this.versionLabels, 1);
  }
}
