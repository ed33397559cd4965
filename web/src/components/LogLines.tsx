import { Fragment, useState } from 'react';
import { traceHref } from '../links.ts';
import type { LogEntry } from '../logsApi.ts';
import { fmtDateTime } from '../timeWindow.ts';

/** One line of the logs view, from a search result or from the live tail. */
export interface LogRow {
  readonly key: string;
  readonly timeMs: number;
  readonly level: string;
  readonly nodeId: string;
  /** Stream labels other than level and node. */
  readonly labels: Readonly<Record<string, string>>;
  readonly line: string;
  readonly traceId: string;
  /** Every field of the entry, shown when the line is expanded. */
  readonly fields: Readonly<Record<string, string>>;
}

/** A row from a GET /api/logs entry (all its fields, attributes included). */
export function rowOfEntry(e: LogEntry, index: number): LogRow {
  const labels: Record<string, string> = {};
  for (const [k, v] of [
    ['service', e.service],
    ['region', e.region],
    ['component', e.component],
  ] as const)
    if (v !== '') labels[k] = v;
  const fields: Record<string, string> = {
    time: fmtDateTime(e.timeUs / 1000),
    level: e.level,
    service: e.service,
    node_id: e.nodeId,
    region: e.region,
    component: e.component,
    trace_id: e.traceId,
    span_id: e.spanId,
  };
  for (const [k, v] of Object.entries(e.attributes)) fields[k] = v;
  return {
    key: `${e.timeUs}-${index}`,
    timeMs: e.timeUs / 1000,
    level: e.level,
    nodeId: e.nodeId,
    labels,
    line: e.body,
    traceId: e.traceId,
    fields,
  };
}

/** A row from a live-tail stream value (labels and line only, as Loki's tail sends them). */
export function rowOfStream(
  stream: Readonly<Record<string, string>>,
  ns: string,
  line: string,
  seq: number,
): LogRow {
  const { level = '', node_id: nodeId = '', ...labels } = stream;
  const timeMs = Number(ns.slice(0, -6)) + Number(ns.slice(-6)) / 1e6;
  return {
    key: `tail-${seq}`,
    timeMs,
    level,
    nodeId,
    labels,
    line,
    traceId: '',
    fields: { time: fmtDateTime(timeMs), ...stream },
  };
}

/** Log lines, newest first: time, level, node, labels, line; a click expands every field and the trace link. */
export function LogLines({ rows }: { rows: readonly LogRow[] }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <table className="log-lines" data-testid="log-lines">
      <thead>
        <tr>
          <th>Time</th>
          <th>Level</th>
          <th>Node</th>
          <th>Labels</th>
          <th>Line</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <Fragment key={r.key}>
            <tr
              className={`log-row ${open === r.key ? 'selected' : ''}`}
              onClick={() => setOpen(open === r.key ? null : r.key)}
            >
              <td className="mono nowrap">{fmtDateTime(r.timeMs)}</td>
              <td>
                <span className={`badge level-${r.level}`}>{r.level || '–'}</span>
              </td>
              <td>{r.nodeId}</td>
              <td className="muted">
                {Object.entries(r.labels)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ')}
              </td>
              <td className="mono log-line">{r.line}</td>
              <td>
                {r.traceId !== '' && (
                  <a href={traceHref(r.traceId)} onClick={(e) => e.stopPropagation()}>
                    trace
                  </a>
                )}
              </td>
            </tr>
            {open === r.key && (
              <tr className="log-fields">
                <td colSpan={6}>
                  <dl>
                    {Object.entries(r.fields)
                      .filter(([, v]) => v !== '')
                      .map(([k, v]) => (
                        <Fragment key={k}>
                          <dt>{k}</dt>
                          <dd className="mono">{v}</dd>
                        </Fragment>
                      ))}
                  </dl>
                </td>
              </tr>
            )}
          </Fragment>
        ))}
        {rows.length === 0 && (
          <tr>
            <td colSpan={6}>No log lines.</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
