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

/** The first of `names` present in `labels`, or undefined. */
function first(labels: Readonly<Record<string, string>>, names: readonly string[]): string | undefined {
  for (const n of names) if (labels[n] !== undefined) return n;
  return undefined;
}

/** Maps a stream's labels onto the indexed fields. */
export function streamFields(labels: Readonly<Record<string, string>>): StreamFields {
  const s = first(labels, SERVICE);
  const n = first(labels, NODE);
  const r = first(labels, REGION);
  const c = first(labels, COMPONENT);
  const l = first(labels, LEVEL);
  const levelText = l === undefined ? '' : labels[l]!;
  const attributes: Record<string, string> = {};
  for (const k of Object.keys(labels))
    if (k !== s && k !== n && k !== r && k !== c && k !== l && k !== '__proto__') attributes[k] = labels[k]!;
  return {
    service: s === undefined ? '' : labels[s]!,
    nodeId: n === undefined ? '' : labels[n]!,
    region: r === undefined ? '' : labels[r]!,
    component: c === undefined ? '' : labels[c]!,
    level: levelText === '' ? undefined : levelOfText(levelText),
    attributes,
  };
}
