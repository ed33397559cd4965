/**
 * Source and decision text shared by the per-migration resource metrics of both versions (CPU seconds, peak host
 * memory, bytes sent), which the rollout status reads to compare CPU, memory and bandwidth saved per version.
 * @see NovaCron inventory §5 (the original performance tracker kept CPU and memory per version and transfer)
 */

/** Where the per-migration resource metrics come from. */
export const RESOURCE_SOURCE =
  'new: the original performance tracker recorded CPU and memory per version and transfer but exported neither; node-level utilisation cannot be split by version when every node runs both';

/** Why they are per migration with the duration histogram's labels. */
export const RESOURCE_DECISION =
  'Recorded per successful migration with the labels of the duration histogram, so each interval joins with the guest-memory counter of the same labels: the version is the metric family (v1 dwcp_enabled="true" vs v3), not a label.';
