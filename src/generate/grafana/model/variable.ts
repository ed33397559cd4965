/**
 * Typed templating variables of a Grafana dashboard: the datasource picker, `label_values` queries, custom
 * value lists, intervals and free text.
 * @see https://grafana.com/docs/grafana/latest/dashboards/variables/add-template-variables/
 */
import type { DataSourceRef } from './panel.ts';

/** 0 shows the variable with its label, 1 hides the label, 2 hides the variable. */
export type VariableHide = 0 | 1 | 2;

/** The selected value(s) of a variable. */
export interface VariableCurrent {
  readonly selected: boolean;
  readonly text: string | readonly string[];
  readonly value: string | readonly string[];
}

/** One option of a fixed-list variable. */
export interface VariableOption {
  readonly selected: boolean;
  readonly text: string;
  readonly value: string;
}

/** The `$datasource` picker over datasources of one plugin type. */
export interface DatasourceVariable {
  readonly name: string;
  readonly label: string;
  readonly type: 'datasource';
  readonly query: 'prometheus';
  readonly current: Readonly<Record<string, never>>;
  readonly hide: VariableHide;
  /** 1: on dashboard load. */
  readonly refresh: 1;
  readonly regex: string;
  readonly options: readonly VariableOption[];
}

/** A query variable (`label_values(...)` on Prometheus). */
export interface QueryVariable {
  readonly name: string;
  readonly label: string;
  readonly type: 'query';
  readonly datasource: DataSourceRef;
  readonly query: { readonly query: string; readonly refId: string };
  readonly definition: string;
  /** 1: on dashboard load, 2: on time range change. */
  readonly refresh: 1 | 2;
  readonly includeAll: boolean;
  readonly multi: boolean;
  readonly allValue: string;
  readonly current: VariableCurrent;
  readonly hide: VariableHide;
  /** 0 none, 1 alphabetical ascending, ... */
  readonly sort: number;
  readonly regex: string;
  readonly options: readonly VariableOption[];
}

/** A fixed, comma-separated list of values. */
export interface CustomVariable {
  readonly name: string;
  readonly label: string;
  readonly type: 'custom';
  readonly query: string;
  readonly includeAll: boolean;
  readonly multi: boolean;
  readonly allValue: string;
  readonly current: VariableCurrent;
  readonly options: readonly VariableOption[];
  readonly hide: VariableHide;
}

/** A list of intervals (`5s,10s,1m`), used as a query step. */
export interface IntervalVariable {
  readonly name: string;
  readonly label: string;
  readonly type: 'interval';
  readonly query: string;
  readonly auto: boolean;
  readonly current: VariableCurrent;
  readonly options: readonly VariableOption[];
  readonly hide: VariableHide;
  readonly refresh: 1 | 2;
}

/** A free-text value with a default. */
export interface TextboxVariable {
  readonly name: string;
  readonly label: string;
  readonly type: 'textbox';
  readonly query: string;
  readonly current: VariableCurrent;
  readonly options: readonly VariableOption[];
  readonly hide: VariableHide;
}

/** Every templating variable the generator emits (discriminated by `type`). */
export type Variable =
  DatasourceVariable | QueryVariable | CustomVariable | IntervalVariable | TextboxVariable;
