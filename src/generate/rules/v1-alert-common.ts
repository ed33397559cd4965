/**
 * Constants shared by the DWCP v1 alert files (`v1-alerts-*.ts`).
 * @see seed 001 "Alerting Rules"; NovaCron inventory 2.1
 */

/** Source of the v1 alerts. */
export const SRC_A = 'DWCP v1 metrics spec "Alerting Rules"; original dwcp-alerts.yml';
/** Fixture labels of a v1 node series. */
export const FX = { cluster: 'cluster-1', node: 'node-01' };
/** Fixture labels of a v1 migration series (without dwcp_enabled). */
export const MIG = { cluster: 'cluster-1', source_node: 'node-01', dest_node: 'node-02' };
/** Summary suffix naming the node of a v1 alert. */
export const ON_NODE = 'on {{ $labels.cluster }}/{{ $labels.node }}';
