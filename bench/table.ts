/** Shared benchmark helpers: timing loops and a table with ratios against an anchor measured in the same run. */

export interface BenchRow {
  readonly name: string;
  /** Higher is better (ops/s, samples/s) unless `lowerIsBetter`. */
  readonly value: number;
  readonly unit: string;
  /** Extra columns, e.g. state bytes per series. */
  readonly extra?: Readonly<Record<string, string | number>>;
}

export interface BenchTable {
  readonly title: string;
  /** Name of the row the others are compared with (measured in the same run). */
  readonly anchor: string;
  readonly rows: readonly BenchRow[];
  /** Goal text printed under the table, e.g. ">= 0.9x prom-client". */
  readonly goal?: string;
}

/**
 * Runs `fn(iterations)` repeatedly until `minMs` has passed (after one warm-up call) and returns
 * operations per second, where one call of `fn(n)` performs `n` operations.
 */
export function opsPerSecond(fn: (n: number) => void, n: number, minMs = 1000): number {
  fn(Math.max(1, Math.floor(n / 10)));
  let ops = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < minMs) {
    fn(n);
    ops += n;
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return (ops / elapsedMs) * 1000;
}

/** Async variant of {@link opsPerSecond}. */
export async function opsPerSecondAsync(
  fn: (n: number) => Promise<void>,
  n: number,
  minMs = 1000,
): Promise<number> {
  await fn(Math.max(1, Math.floor(n / 10)));
  let ops = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < minMs) {
    await fn(n);
    ops += n;
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return (ops / elapsedMs) * 1000;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1e6) return (v / 1e6).toFixed(2) + 'M';
  if (Math.abs(v) >= 1e3) return (v / 1e3).toFixed(1) + 'k';
  return v.toFixed(2);
}

/** Renders a table as text: name, value, unit, ratio to the anchor row, extra columns. */
export function renderTable(t: BenchTable): string {
  const anchor = t.rows.find((r) => r.name === t.anchor);
  const extraKeys = [...new Set(t.rows.flatMap((r) => Object.keys(r.extra ?? {})))];
  const header = ['benchmark', 'value', 'unit', `ratio vs ${t.anchor}`, ...extraKeys];
  const body = t.rows.map((r) => [
    r.name,
    fmt(r.value),
    r.unit,
    anchor && anchor.value > 0 ? (r.value / anchor.value).toFixed(2) + 'x' : 'n/a',
    ...extraKeys.map((k) => String(r.extra?.[k] ?? '')),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  const out = [`## ${t.title}`, '', line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|'];
  for (const row of body) out.push(line(row));
  if (t.goal) out.push('', `goal: ${t.goal}`);
  return out.join('\n') + '\n';
}

/** A titled Markdown table (columns padded to their widest cell) with an optional note under it. */
export function markdownTable(title: string, header: string[], rows: string[][], note?: string): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [
    `## ${title}`,
    '',
    line(header),
    '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
    ...rows.map(line),
    '',
    ...(note ? [note, ''] : []),
  ].join('\n');
}
