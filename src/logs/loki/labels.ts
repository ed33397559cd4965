/**
 * Loki stream label sets: parsing the protobuf push's label string (`{service="api", level="error"}`, the
 * Prometheus label text form) and mapping labels onto the record's indexed fields.
 * @see https://grafana.com/docs/loki/latest/reference/loki-http-api/#ingest-logs
 */
import { readString } from '../logql/strings.ts';
import { levelOfText, type LogLevel } from '../record.ts';

const NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;

/**
 * The labels of a label string; undefined when it is not `{name="value", ...}` (Prometheus label names,
 * double-quoted values with Go escapes, no duplicate names).
 */
export function parseLabelString(s: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let i = 0;
  const ws = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  ws();
  if (s[i] !== '{') return undefined;
  i++;
  ws();
  if (s[i] === '}') return i + 1 === s.trimEnd().length ? out : undefined;
  for (;;) {
    ws();
    NAME.lastIndex = i;
    const m = NAME.exec(s);
    if (!m) return undefined;
    const name = m[0];
    i += name.length;
    ws();
    if (s[i] !== '=') return undefined;
    i++;
    ws();
    const v = readString(s, i);
    if (!v || s[i] !== '"' || Object.prototype.hasOwnProperty.call(out, name)) return undefined;
    out[name] = v.value;
    i = v.end;
    ws();
    if (s[i] === ',') {
      i++;
      continue;
    }
    if (s[i] === '}') return s.slice(i + 1).trim() === '' ? out : undefined;
    return undefined;
  }
}

/** Indexed fields taken from a Loki label set (first label present wins); the rest stay attributes. */
export interface StreamFields {
  readonly service: string;
  readonly nodeId: string;
  readonly region: string;
  readonly component: string;
  readonly level: LogLevel | undefined;
  readonly attributes: Record<string, string>;
}

const SERVICE = ['service_name', 'service', 'job', 'app'];
const NODE = ['node_id', 'node', 'instance', 'host'];
const REGION = ['region', 'cloud_region'];
const COMPONENT = ['component'];
const LEVEL = ['level', 'detected_level', 'severity', 'lvl'];

function first(
  labels: Readonly<Record<string, string>>,
  names: readonly string[],
  used: Set<string>,
): string {
  for (const n of names) {
    const v = labels[n];
    if (v !== undefined) {
      used.add(n);
      return v;
    }
  }
  return '';
}

/** Maps a stream's labels onto the indexed fields. */
export function streamFields(labels: Readonly<Record<string, string>>): StreamFields {
  const used = new Set<string>();
  const service = first(labels, SERVICE, used);
  const nodeId = first(labels, NODE, used);
  const region = first(labels, REGION, used);
  const component = first(labels, COMPONENT, used);
  const levelText = first(labels, LEVEL, used);
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (!used.has(k) && k !== '__proto__') attributes[k] = v;
  return {
    service,
    nodeId,
    region,
    component,
    level: levelText === '' ? undefined : levelOfText(levelText),
    attributes,
  };
}
