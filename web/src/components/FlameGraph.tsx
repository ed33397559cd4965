import { useMemo, useState } from 'react';
import type { FlameGraphDto, FlameNodeDto } from '../opsApi.ts';

/** Levels drawn at most, and the narrowest frame drawn (share of the focused node). */
const MAX_LEVELS = 48;
const MIN_SHARE = 0.004;

interface Cell {
  readonly node: FlameNodeDto;
  readonly level: number;
  readonly start: number;
  readonly share: number;
}

function layout(root: FlameNodeDto): Cell[] {
  const out: Cell[] = [];
  const walk = (n: FlameNodeDto, level: number, start: number, share: number): void => {
    if (level >= MAX_LEVELS || share < MIN_SHARE) return;
    out.push({ node: n, level, start, share });
    let x = start;
    for (const c of n.children) {
      const s = n.total > 0 ? (c.total / n.total) * share : 0;
      walk(c, level + 1, x, s);
      x += s;
    }
  };
  walk(root, 0, 0, 1);
  return out;
}

function hue(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return 10 + (h % 50);
}

/** Flame graph (root on top, callees below) of one profile; click a frame to zoom, the root to zoom out. */
export function FlameGraph({ graph }: { graph: FlameGraphDto }) {
  const [focus, setFocus] = useState<FlameNodeDto>(graph.root);
  const cells = useMemo(() => layout(focus), [focus]);
  const levels = cells.reduce((m, c) => Math.max(m, c.level + 1), 0);
  const unit = graph.sampleType.unit;
  const fmt = (v: number) =>
    unit === 'nanoseconds'
      ? `${(v / 1e6).toFixed(1)} ms`
      : unit === 'bytes'
        ? `${(v / 1024).toFixed(1)} KiB`
        : String(v);
  return (
    <div>
      <p className="muted">
        {graph.sampleType.type} · total {fmt(graph.total)} · {graph.nodes} frames
        {graph.truncated ? ' (small frames folded)' : ''}
        {focus !== graph.root && (
          <>
            {' '}
            · zoomed on <b>{focus.name}</b> <button onClick={() => setFocus(graph.root)}>Reset zoom</button>
          </>
        )}
      </p>
      <div
        className="flamegraph"
        role="img"
        aria-label={`Flame graph of ${graph.sampleType.type}`}
        style={{ height: levels * 18 }}
      >
        {cells.map((c, i) => (
          <div
            key={i}
            className="flame-frame"
            title={`${c.node.name}${c.node.file ? ` (${c.node.file})` : ''}\n${fmt(c.node.total)} total, ${fmt(c.node.self)} self, ${((c.node.total / Math.max(1, graph.total)) * 100).toFixed(1)} % of profile`}
            style={{
              left: `${c.start * 100}%`,
              width: `${c.share * 100}%`,
              top: c.level * 18,
              background: `hsl(${hue(c.node.name)}, 85%, ${c.level === 0 ? 70 : 60}%)`,
            }}
            onClick={() => setFocus(c.level === 0 ? graph.root : c.node)}
          >
            {c.share > 0.04 ? c.node.name : ''}
          </div>
        ))}
      </div>
    </div>
  );
}
