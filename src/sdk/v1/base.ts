/** Shared types of the seed-001 (v1) wrappers. */
import { InvalidInputError } from '../../errors.ts';

/** Labels every v1 series carries (seed 001: `InitializeMetrics(cluster, node, port)`). */
export type V1BaseLabels = {
  readonly cluster: string;
  readonly node: string;
};

/** Milliseconds clock; injectable so tests can step time. */
export type Clock = () => number;

/**
 * Checks the base labels.
 * @throws InvalidInputError when cluster or node is empty.
 */
export function checkBase(base: V1BaseLabels): V1BaseLabels {
  if (!base || typeof base.cluster !== 'string' || base.cluster === '')
    throw new InvalidInputError('base label cluster must be a non-empty string');
  if (typeof base.node !== 'string' || base.node === '')
    throw new InvalidInputError('base label node must be a non-empty string');
  return { cluster: base.cluster, node: base.node };
}
