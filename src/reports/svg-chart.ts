/**
 * Horizontal bar charts as inline SVG for reports (HTML and, through Chromium, PDF): one bar per label, signed
 * values around a zero axis, an optional reference line (an objective or a threshold), values printed at the
 * bars. Static markup only: no script, so the PDF renders exactly what the HTML shows. Pure.
 */

/** One bar; null values are drawn as "no data". */
export interface Bar {
  readonly label: string;
  readonly value: number | null;
  /** CSS colour; default by sign (blue positive, orange negative). */
  readonly color?: string;
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  /** Unit printed after values (e.g. '%'). */
  readonly unit?: string;
  /** Decimals of printed values (default 1). */
  readonly digits?: number;
  /** Axis bounds; default from the data (always including 0). */
  readonly min?: number;
  readonly max?: number;
  /** A vertical reference line. */
  readonly reference?: { readonly value: number; readonly label: string };
  /** Width in px (default 640). */
  readonly width?: number;
}

/** Escapes text for HTML and SVG. */
export function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const BAR_H = 22;
const LABEL_W = 170;
const PAD = 8;

/**
 * An SVG bar chart with `aria-label` = `title` (at most 40 bars are drawn; the rest are summarised in a caption).
 */
export function barChart(title: string, bars: readonly Bar[], opts: BarChartOptions = {}): string {
  const shown = bars.slice(0, 40);
  const width = opts.width ?? 640;
  const digits = opts.digits ?? 1;
  const unit = opts.unit ?? '';
  const values = shown.map((b) => b.value).filter((v): v is number => v !== null && Number.isFinite(v));
  const refs = opts.reference ? [opts.reference.value] : [];
  const lo = opts.min ?? Math.min(0, ...values, ...refs);
  let hi = opts.max ?? Math.max(0, ...values, ...refs);
  if (hi === lo) hi = lo + 1;
  const plotW = width - LABEL_W - PAD * 2 - 70;
  const x = (v: number): number => LABEL_W + PAD + ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * plotW;
  const height = shown.length * BAR_H + 36;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<line x1="${x(0)}" y1="4" x2="${x(0)}" y2="${height - 24}" stroke="#888" stroke-width="1"/>`,
  ];
  shown.forEach((b, i) => {
    const y = 6 + i * BAR_H;
    parts.push(
      `<text x="${LABEL_W}" y="${y + 14}" text-anchor="end">${esc(b.label.length > 28 ? b.label.slice(0, 27) + '…' : b.label)}</text>`,
    );
    if (b.value === null || !Number.isFinite(b.value)) {
      parts.push(`<text x="${x(0) + 4}" y="${y + 14}" fill="#888">no data</text>`);
      return;
    }
    const x0 = x(Math.min(0, b.value));
    const w = Math.max(1, x(Math.max(0, b.value)) - x0);
    const color = b.color ?? (b.value >= 0 ? '#3b6ea8' : '#d9822b');
    parts.push(
      `<rect x="${x0.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${BAR_H - 8}" fill="${color}"/>`,
    );
    parts.push(
      `<text x="${(x(Math.max(0, b.value)) + 4).toFixed(1)}" y="${y + 14}">${esc(b.value.toFixed(digits))}${esc(unit)}</text>`,
    );
  });
  if (opts.reference) {
    const rx = x(opts.reference.value).toFixed(1);
    parts.push(
      `<line x1="${rx}" y1="2" x2="${rx}" y2="${height - 24}" stroke="#c0392b" stroke-dasharray="4 3"/>`,
    );
    parts.push(
      `<text x="${rx}" y="${height - 8}" text-anchor="middle" fill="#c0392b">${esc(opts.reference.label)}</text>`,
    );
  }
  parts.push(
    `<text x="${LABEL_W + PAD}" y="${height - 8}" fill="#666">${esc(lo.toFixed(digits))}${esc(unit)}</text>`,
  );
  parts.push(
    `<text x="${LABEL_W + PAD + plotW}" y="${height - 8}" text-anchor="end" fill="#666">${esc(hi.toFixed(digits))}${esc(unit)}</text>`,
  );
  parts.push('</svg>');
  if (bars.length > shown.length)
    parts.push(`<p class="muted">${bars.length - shown.length} more not drawn.</p>`);
  return parts.join('');
}
