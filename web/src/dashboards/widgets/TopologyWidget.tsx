import type { WidgetResult } from '../../../../src/contract/dashboards.ts';
import { formatValue } from '../../format.ts';

type Topology = Extract<WidgetResult, { kind: 'topology' }>;
const STATE_COLOR = { up: 'var(--c-green)', degraded: 'var(--c-orange)', down: 'var(--c-red)' } as const;

/** Topology: regions on a circle (with their node counts) and one line per region pair coloured by the tunnel state; a table lists each link's RTT and loss. */
export function TopologyWidget(props: { readonly result: Topology; readonly title: string }) {
  const { regions, nodes, links } = props.result;
  if (regions.length === 0) return <p className="muted">No network telemetry yet.</p>;
  const at = new Map(
    regions.map((r, i) => {
      const a = (2 * Math.PI * i) / regions.length - Math.PI / 2;
      return [r, { x: 100 + 70 * Math.cos(a), y: 90 + 60 * Math.sin(a) }] as const;
    }),
  );
  return (
    <div className="topology">
      <svg
        viewBox="0 0 200 180"
        role="img"
        aria-label={`${props.title}: ${regions.length} regions, ${nodes.length} nodes, ${links.length} links`}
      >
        {links.map((l) => {
          const a = at.get(l.region);
          const b = at.get(l.remoteRegion);
          return a && b ? (
            <line
              key={`${l.region}>${l.remoteRegion}`}
              x1={a.x}
              y1={a.y}
              x2={b.x}
              y2={b.y}
              stroke={STATE_COLOR[l.tunnel.state]}
              strokeWidth={1.5}
            />
          ) : null;
        })}
        {regions.map((r) => {
          const p = at.get(r)!;
          return (
            <g key={r}>
              <circle cx={p.x} cy={p.y} r={9} className="topo-node" />
              <text x={p.x} y={p.y + 20} textAnchor="middle" className="topo-label">
                {r} ({nodes.filter((n) => n.region === r).length})
              </text>
            </g>
          );
        })}
      </svg>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th>Link</th>
              <th>RTT</th>
              <th>Loss</th>
              <th>Tunnel</th>
            </tr>
          </thead>
          <tbody>
            {links.map((l) => (
              <tr key={`${l.region}>${l.remoteRegion}`}>
                <td>
                  {l.region} → {l.remoteRegion}
                </td>
                <td>{formatValue(l.rtt ? l.rtt.p50Ms : null, 'milliseconds')}</td>
                <td>{formatValue(l.loss.ratio, 'ratio')}</td>
                <td>{l.tunnel.state}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
