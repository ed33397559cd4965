/**
 * Readable numbers with units for the console: SI prefixes for rates and counts (2.43 GB/s, 1.2 k ops/s),
 * seconds scaled to ms/µs or minutes/hours, ratios as percentages. Units are the dashboard display units
 * (src/contract/dashboard-spec.ts `DISPLAY_UNITS`, which include the catalog's base units) or `suffix:<text>`.
 */
import type { DisplayUnit } from '../../src/contract/dashboard-spec.ts';

const SI = [
  { f: 1e12, p: 'T' },
  { f: 1e9, p: 'G' },
  { f: 1e6, p: 'M' },
  { f: 1e3, p: 'k' },
] as const;

/** Three significant digits without trailing zeros (`2.43`, `120`, `0.0012`). */
export function significant(v: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1000) return Math.round(v).toLocaleString('en-US');
  return String(Number(v.toPrecision(3)));
}

/** `v` with an SI prefix before `unit` (e.g. 2432200969 B/s → `2.43 GB/s`). */
export function withPrefix(v: number, unit: string): string {
  const abs = Math.abs(v);
  for (const { f, p } of SI) if (abs >= f) return `${significant(v / f)} ${p}${unit}`.trimEnd();
  return `${significant(v)} ${unit}`.trimEnd();
}

function duration(seconds: number): string {
  const abs = Math.abs(seconds);
  if (abs === 0) return '0 s';
  if (abs < 1e-3) return `${significant(seconds * 1e6)} µs`;
  if (abs < 1) return `${significant(seconds * 1e3)} ms`;
  if (abs < 120) return `${significant(seconds)} s`;
  if (abs < 7200) return `${significant(seconds / 60)} min`;
  if (abs < 172_800) return `${significant(seconds / 3600)} h`;
  return `${significant(seconds / 86_400)} d`;
}

/** A value in its display unit; null/NaN → `–`. */
export function formatValue(v: number | null | undefined, unit: DisplayUnit | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  switch (unit ?? 'none') {
    case 'seconds':
      return duration(v);
    case 'milliseconds':
      return duration(v / 1000);
    case 'bytes':
      return withPrefix(v, 'B');
    case 'bytes_per_second':
      return withPrefix(v, 'B/s');
    case 'megabits_per_second':
      return withPrefix(v * 1e6, 'bit/s');
    case 'ratio':
      return `${significant(v * 100)} %`;
    case 'percent':
      return `${significant(v)} %`;
    case 'operations_per_second':
      return withPrefix(v, 'ops/s');
    case 'currency_usd':
      return `$${v.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;
    case 'count':
    case 'score':
    case 'none':
      return withPrefix(v, '');
    case 'state':
    case 'info':
      return significant(v);
    default:
      return `${withPrefix(v, '')} ${(unit ?? '').slice('suffix:'.length)}`.replace(/\s+/g, ' ').trim();
  }
}

/** Time of day of a Unix ms timestamp (HH:MM:SS, local). */
export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
}
