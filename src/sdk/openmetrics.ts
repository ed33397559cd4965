/**
 * OpenMetrics exposition of a prom-client registry, served when the scraper asks for it (`Accept`), so exemplars
 * reach Prometheus and the monitor while plain text-format scrapers keep getting the 0.0.4 text format.
 * @see https://github.com/OpenObservability/OpenMetrics/blob/main/specification/OpenMetrics.md
 * @see https://prometheus.io/docs/instrumenting/content_negotiation/
 */
import { Registry, type Metric, type OpenMetricsContentType, type RegistryContentType } from 'prom-client';

/** Content type of the OpenMetrics 1.0.0 text format (prom-client's). */
export const OPENMETRICS_CONTENT_TYPE = Registry.OPENMETRICS_CONTENT_TYPE;

/** Quality (`q`, 0..1) the `Accept` header gives a media type, or 0 when it does not list it. */
function quality(accept: string, mediaType: string): number {
  let best = 0;
  for (const entry of accept.split(',')) {
    const [type = '', ...params] = entry.split(';').map((p) => p.trim().toLowerCase());
    if (type !== mediaType) continue;
    const q = params.find((p) => p.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    if (Number.isFinite(value)) best = Math.max(best, Math.min(1, Math.max(0, value)));
  }
  return best;
}

/**
 * Whether an `Accept` header prefers OpenMetrics to the 0.0.4 text format: it lists
 * `application/openmetrics-text` with a quality above 0 and at least that of `text/plain`.
 */
export function prefersOpenMetrics(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const om = quality(accept, 'application/openmetrics-text');
  return om > 0 && om >= quality(accept, 'text/plain');
}

/**
 * Renders `registry` in the OpenMetrics format (with histogram exemplars) without changing it. prom-client's
 * OpenMetrics rendering renames counters in place (drops `_total` from the family name); each counter is
 * therefore rendered through an object that inherits from it, so the registry's own text format stays intact.
 * @returns the exposition, ending with `# EOF`.
 */
export async function renderOpenMetrics(registry: Registry<RegistryContentType>): Promise<string> {
  if ((registry.contentType as string) === OPENMETRICS_CONTENT_TYPE) return registry.metrics();
  const om = new Registry<OpenMetricsContentType>();
  om.setContentType(OPENMETRICS_CONTENT_TYPE);
  for (const m of registry.getMetricsAsArray() as unknown as Metric[]) {
    om.registerMetric((m as { type?: string }).type === 'counter' ? (Object.create(m) as Metric) : m);
  }
  return om.metrics();
}
