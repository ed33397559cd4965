/**
 * The data source of every Grafana dashboard this product writes (the generated monitoring of src/generate and the
 * dashboard export of src/dashboards): a `$datasource` template variable of type Prometheus, referenced by every
 * panel and target. Plain data, one definition for both writers.
 * @see https://grafana.com/docs/grafana/latest/dashboards/variables/add-template-variables/#add-a-data-source-variable
 */

/** Reference to the dashboard's `$datasource` variable, as panels and targets carry it. */
export const GRAFANA_DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

/** The `$datasource` variable itself (templating list entry; refreshed on dashboard load), a fresh object per call. */
export function grafanaDatasourceVariable() {
  return {
    name: 'datasource',
    label: 'Data source',
    type: 'datasource',
    query: 'prometheus',
    current: {},
    hide: 0,
    refresh: 1,
    regex: '',
    options: [],
  } as const;
}
