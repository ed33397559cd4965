/**
 * Span and resource attribute names shared by the instrumentation (src/sdk) and the trace pipeline
 * (src/traces): OpenTelemetry semantic-convention names where one exists, `dwcp.`-prefixed names otherwise.
 * No I/O.
 * @see https://opentelemetry.io/docs/specs/semconv/ (resource: service, cloud, host; general: network, error)
 */

/** `service.name` (resource). */
export const ATTR_SERVICE_NAME = 'service.name';
/** `service.namespace` (resource). */
export const ATTR_SERVICE_NAMESPACE = 'service.namespace';
/** `service.instance.id` (resource): the node that emitted the span. */
export const ATTR_SERVICE_INSTANCE_ID = 'service.instance.id';
/** `service.version` (resource). */
export const ATTR_SERVICE_VERSION = 'service.version';
/** `host.name` (resource). */
export const ATTR_HOST_NAME = 'host.name';
/** `cloud.region` (resource): the node's region. */
export const ATTR_CLOUD_REGION = 'cloud.region';
/** `error.type` (span). */
export const ATTR_ERROR_TYPE = 'error.type';
/** `network.transport` (span). */
export const ATTR_NETWORK_TRANSPORT = 'network.transport';
/** `server.address` (span, client side of a call). */
export const ATTR_SERVER_ADDRESS = 'server.address';

/** The VM being migrated. */
export const ATTR_DWCP_VM_ID = 'dwcp.vm.id';
/** VM size class (small, medium, large). */
export const ATTR_DWCP_VM_SIZE = 'dwcp.vm.size';
/** The DWCP node that executed the span. */
export const ATTR_DWCP_NODE_ID = 'dwcp.node.id';
/** The region of the node that executed the span (also `cloud.region` of its resource). */
export const ATTR_DWCP_REGION = 'dwcp.region';
/** Network mode: datacenter, internet, hybrid. */
export const ATTR_DWCP_MODE = 'dwcp.mode';
/** Protocol version: v1 or v3. */
export const ATTR_DWCP_VERSION = 'dwcp.version';
/** Bytes the span moved (after compression for transfers). */
export const ATTR_DWCP_BYTES = 'dwcp.bytes';
/** Source and destination node of a migration. */
export const ATTR_DWCP_SOURCE_NODE = 'dwcp.source.node';
export const ATTR_DWCP_DESTINATION_NODE = 'dwcp.destination.node';
/** The DWCP component of a phase span (amst, hde, pba, ass, acp, itp). */
export const ATTR_DWCP_COMPONENT = 'dwcp.component';
/** Attempt number of a retried phase (1 = first attempt). */
export const ATTR_DWCP_ATTEMPT = 'dwcp.attempt';

/**
 * Span or resource attributes the trace store keeps in indexed columns (search by them is an index scan; other
 * tags are matched on the candidate spans).
 */
export const INDEXED_TRACE_TAGS = [
  ATTR_DWCP_NODE_ID,
  ATTR_DWCP_VM_ID,
  ATTR_DWCP_REGION,
  ATTR_DWCP_MODE,
  ATTR_DWCP_VERSION,
] as const;
export type IndexedTraceTag = (typeof INDEXED_TRACE_TAGS)[number];
