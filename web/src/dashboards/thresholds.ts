/** Colours of dashboard thresholds and status mappings (named in the spec; the CSS variables pick the shades of the theme). */
import type { Widget } from '../../../src/contract/dashboard-spec.ts';

type Thresholds = NonNullable<Widget['thresholds']>;
export type NamedColor = Thresholds[number]['color'];

/** The colour of `value` under threshold steps (the last step whose value is ≤ `value`); undefined without steps or value. */
export function thresholdColor(
  thresholds: Thresholds | undefined,
  value: number | null,
): NamedColor | undefined {
  if (!thresholds || value === null) return undefined;
  let color: NamedColor | undefined;
  for (const step of thresholds) if (step.value === null || value >= step.value) color = step.color;
  return color;
}

/** CSS colour of a named colour. */
export function cssColor(color: NamedColor | undefined): string | undefined {
  return color === undefined ? undefined : `var(--c-${color})`;
}

/** Labels of a series as `k=v, k=v` (or `fallback` without labels). */
export function labelText(labels: Readonly<Record<string, string>>, fallback: string): string {
  const text = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return text === '' ? fallback : text;
}
