/**
 * Units and colours between Grafana's dashboard JSON and the dashboard spec. The unit map is one to one for
 * the units both sides have, so a Grafana dashboard imported and exported again keeps its units.
 * @see https://grafana.com/docs/grafana/latest/panels-visualizations/configure-standard-options/#unit
 */
import type { DisplayUnit } from '../contract/dashboard-spec.ts';
import { COLORS } from '../contract/dashboard-spec.ts';

/** Grafana unit id → display unit. */
const FROM_GRAFANA: Readonly<Record<string, DisplayUnit>> = {
  s: 'seconds',
  ms: 'milliseconds',
  decbytes: 'bytes',
  bytes: 'bytes',
  Bps: 'bytes_per_second',
  Mbits: 'megabits_per_second',
  percentunit: 'ratio',
  percent: 'percent',
  short: 'count',
  ops: 'operations_per_second',
  currencyUSD: 'currency_usd',
  none: 'none',
};

/** Display unit → Grafana unit id (units Grafana has no id for are shown as plain numbers). */
const TO_GRAFANA: Readonly<Record<string, string>> = {
  seconds: 's',
  milliseconds: 'ms',
  bytes: 'decbytes',
  bytes_per_second: 'Bps',
  megabits_per_second: 'Mbits',
  ratio: 'percentunit',
  percent: 'percent',
  count: 'short',
  operations_per_second: 'ops',
  currency_usd: 'currencyUSD',
  none: 'none',
  score: 'none',
  state: 'none',
  info: 'none',
};

/** The display unit of a Grafana unit id; undefined for ids without one. */
export function unitFromGrafana(unit: string): DisplayUnit | undefined {
  if (/^suffix:.{1,16}$/.test(unit)) return unit;
  return FROM_GRAFANA[unit];
}

/** The Grafana unit id of a display unit. */
export function unitToGrafana(unit: DisplayUnit): string {
  return unit.startsWith('suffix:') ? unit : (TO_GRAFANA[unit] ?? 'none');
}

/** A named colour for a Grafana colour (`red`, `dark-red`, `semi-dark-green`, `#…`): the first colour name it contains, else grey. */
export function colorFromGrafana(color: string): (typeof COLORS)[number] {
  return COLORS.find((c) => color.toLowerCase().includes(c)) ?? 'grey';
}
