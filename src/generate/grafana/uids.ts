/**
 * Dashboard uids (the v3 spec's for the v3 set, the original files' for the others). Stable: runbooks link to them.
 * @see seed 000 "Grafana Dashboards"; NovaCron inventory 3.1, 3.2
 */
export const DASHBOARD_UIDS = {
  main: 'dwcp-v3-main',
  datacenter: 'dwcp-v3-datacenter',
  internet: 'dwcp-v3-internet',
  hybrid: 'dwcp-v3-hybrid',
  amst: 'dwcp-v3-amst',
  hde: 'dwcp-v3-hde',
  pba: 'dwcp-v3-pba',
  ass: 'dwcp-v3-ass',
  acp: 'dwcp-v3-acp',
  itp: 'dwcp-v3-itp',
  v1: 'dwcp-v1-performance',
  phase6: 'dwcp-v3-phase6-live',
  globalOverview: 'dwcp-global-overview',
  regionalDeepDive: 'dwcp-regional-deep-dive',
  protocol: 'dwcp-protocol-metrics',
  loadBalancer: 'dwcp-load-balancer',
} as const;
