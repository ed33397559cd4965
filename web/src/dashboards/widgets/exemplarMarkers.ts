/**
 * Exemplar points on a uPlot chart: one link per exemplar, a diamond placed at its time on the chart's x axis and
 * at its duration on the exemplar scale (0 at the bottom to {@link exemplarScaleMax} at the top), opening the
 * trace view of its trace. Links (not canvas pixels) so they are focusable, named for screen readers and
 * clickable without hit-testing; redrawn on every uPlot draw (zoom, resize, new data).
 */
import type uPlot from 'uplot';
import { exemplarScaleMax, type ExemplarPoint } from '../../exemplars.ts';
import { clock, formatValue } from '../../format.ts';
import { traceHref } from '../../links.ts';

const LAYER_CLASS = 'exemplar-layer';
/** Half a point's size: how far from the plotting area's top and bottom edges points are kept, px. */
const EDGE_PX = 6;

/** The accessible name of a point: its trace, duration, time and series labels. */
export function exemplarLabel(p: ExemplarPoint): string {
  const labels = Object.entries(p.series)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `Exemplar trace ${p.traceId}: ${formatValue(p.seconds, 'seconds')} at ${clock(p.timestampMs)}${labels === '' ? '' : ` (${labels})`}`;
}

/** Replaces the exemplar links over `u`'s plotting area with `points` (those inside the shown time range). */
export function placeExemplars(u: uPlot, points: readonly ExemplarPoint[]): void {
  let layer = u.over.querySelector<HTMLDivElement>(`.${LAYER_CLASS}`);
  if (layer === null) {
    layer = document.createElement('div');
    layer.className = LAYER_CLASS;
    u.over.appendChild(layer);
  }
  layer.replaceChildren();
  if (points.length === 0) return;
  const top = exemplarScaleMax(points);
  const width = u.over.clientWidth;
  const height = u.over.clientHeight;
  for (const p of points) {
    const x = u.valToPos(p.timestampMs / 1000, 'x');
    if (!Number.isFinite(x) || x < 0 || x > width) continue;
    const a = document.createElement('a');
    a.className = 'exemplar';
    a.href = traceHref(p.traceId);
    a.dataset['traceId'] = p.traceId;
    a.style.left = `${x}px`;
    // Inside the plotting area even at 0 or the top: a point half under an axis could not be clicked.
    a.style.top = `${Math.min(height - EDGE_PX, Math.max(EDGE_PX, height * (1 - p.seconds / top)))}px`;
    const label = exemplarLabel(p);
    a.setAttribute('aria-label', label);
    a.title = label;
    // A press on a point opens its trace; it does not start the chart's drag-zoom.
    a.addEventListener('mousedown', (e) => e.stopPropagation());
    layer.appendChild(a);
  }
}
