/**
 * Head sampling of the DWCP nodes' tracers: the OpenTelemetry SDK's built-in samplers, chosen by the names of
 * the `OTEL_TRACES_SAMPLER` environment variable, with the ratio of `OTEL_TRACES_SAMPLER_ARG`. The parent-based
 * samplers follow the caller's decision (the `sampled` flag of the W3C `traceparent`), so a migration's
 * destination node keeps exactly the traces its source node kept.
 * @see https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#general-sdk-configuration
 * @see https://opentelemetry.io/docs/specs/otel/trace/sdk/#built-in-samplers
 */
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { InvalidInputError } from '../errors.ts';

/** Sampler names, as `OTEL_TRACES_SAMPLER` spells them. */
export const HEAD_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type HeadSamplerName = (typeof HEAD_SAMPLERS)[number];

/** Whether `s` names a head sampler. */
export function isHeadSamplerName(s: string): s is HeadSamplerName {
  return (HEAD_SAMPLERS as readonly string[]).includes(s);
}

/**
 * The SDK sampler of a name.
 * @param ratio share 0..1 of root traces kept by the `*traceidratio` samplers (ignored by the others)
 * @throws InvalidInputError for an unknown name or a ratio outside 0..1
 */
export function createHeadSampler(name: HeadSamplerName, ratio: number): Sampler {
  if (!(ratio >= 0 && ratio <= 1)) throw new InvalidInputError(`sample ratio must be in 0..1, got ${ratio}`);
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default:
      throw new InvalidInputError(`unknown sampler ${String(name)} (one of ${HEAD_SAMPLERS.join(', ')})`);
  }
}
