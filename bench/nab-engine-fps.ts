/**
 * The monitor's false pages on NAB, by cause. Every NAB file (live rules, kind generic) runs through the detection
 * engine as `serve` builds it (`detectionEngineOptions` of the default settings, as a catalog series or outside the
 * catalog); every anomaly the engine opens after NAB's probation and outside every labelled window is a
 * false-positive row. Each is classed by the first cause that applies, in this order:
 * - `after a window`: within one window length after the end of a labelled window (the same event's tail);
 * - `re-alarm, same side, after "new level accepted"`: the previous anomaly resolved as a new level and this one
 *   deviates the same way (a level shift re-alarming);
 * - `re-alarm, same side, < 1 day after it resolved`: the previous anomaly came back inside its band less than a
 *   day (288 rows) before and this one deviates the same way (repeated pages for one excursion);
 * - `re-alarm, other side, < 1 day`: the previous anomaly resolved less than a day before, this one the other way;
 * - `daily phase`: another false-positive row of the file lies a whole number of days away (±30 min, up to 7
 *   days): seasonality the baseline does not carry;
 * - `isolated`: none of these.
 * Per class: rows, the members that voted, the median |deviation| (σ) and the NAB low-FP points they cost.
 *
 * Usage: npx tsx bench/nab-engine-fps.ts [--engine catalog|inferred] [--rows] (`--rows`: one line per row).
 *   NAB data: DWCP_NAB_DIR.
 */
import { NAB_PROFILES, probationLength, rowWeights } from '../src/analysis/anomaly/nab/rules.ts';
import { loadNabCorpus, type NabDataFile } from '../src/eval/nab-data.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../src/model/detection-settings.ts';
import { detectionEngineOptions } from '../src/monitor/detection-config.ts';
import { DetectionEngine } from '../src/monitor/detection-engine.ts';
import type { DetectionInput } from '../src/monitor/detection-input.ts';
import type { NabEngineMode } from './detect-nab-engine.ts';

const DAY_ROWS = 288;
const PHASE_SLACK = 6;

interface Opening {
  readonly row: number;
  readonly side: 1 | -1;
  readonly voters: string;
  readonly deviation: number;
  readonly observed: number;
  readonly lower: number;
  readonly upper: number;
  resolvedRow: number;
  reason: string;
}

interface FpRow {
  readonly file: string;
  readonly row: number;
  readonly cause: string;
  readonly voters: string;
  readonly deviation: number;
  readonly cost: number;
  readonly sinceResolved: number;
  readonly detail: string;
}

function openings(f: NabDataFile, mode: NabEngineMode): Opening[] {
  const engine = new DetectionEngine({
    ...detectionEngineOptions(DEFAULT_DETECTION_SETTINGS),
    maxSeries: 1,
    analyse: () => true,
  });
  const out: Opening[] = [];
  for (let i = 0; i < f.rows; i++) {
    const input: DetectionInput = {
      key: 'nab',
      metric: 'nab',
      labels: {},
      value: f.values[i]!,
      timestampMs: f.timestampsMs[i]!,
      kind: 'generic',
      transform: 'value',
      def: undefined,
      ...(mode === 'inferred' ? { inferred: 'NAB series' } : {}),
    };
    const r = engine.process([input], input.timestampMs);
    for (const x of r.resolved) {
      const last = out[out.length - 1];
      if (last !== undefined && last.resolvedRow < 0) {
        last.resolvedRow = i;
        last.reason = x.reason ?? 'back inside';
      }
    }
    for (const o of r.opened) {
      const a = o.anomaly;
      out.push({
        row: i,
        side: a.observed >= a.expected ? 1 : -1,
        voters: a.votes
          .filter((v) => v.voted)
          .map((v) => v.detector)
          .join('+'),
        deviation: Math.abs(a.deviation),
        observed: a.observed,
        lower: a.lower,
        upper: a.upper,
        resolvedRow: -1,
        reason: '',
      });
    }
  }
  return out;
}

function classify(f: NabDataFile, mode: NabEngineMode): FpRow[] {
  const ops = openings(f, mode);
  const probation = probationLength(f.rows);
  const inWin = new Uint8Array(f.rows);
  for (const [l, r] of f.windows) inWin.fill(1, l, r + 1);
  const weights = rowWeights(f, NAB_PROFILES.reward_low_FP_rate);
  const fps = ops.filter((o) => o.row >= probation && inWin[o.row] !== 1);
  const fpRows = new Set(fps.map((o) => o.row));
  return fps.map((o) => {
    const k = ops.indexOf(o);
    const prev = k > 0 ? ops[k - 1]! : null;
    const since =
      prev !== null && prev.resolvedRow >= 0 ? o.row - prev.resolvedRow : Number.POSITIVE_INFINITY;
    const afterWindow = f.windows.some(([l, r]) => o.row > r && o.row - r <= r - l + 1);
    let phase = false;
    for (let d = 1; d <= 7 && !phase; d++)
      for (let s = -PHASE_SLACK; s <= PHASE_SLACK && !phase; s++)
        phase = fpRows.has(o.row + d * DAY_ROWS + s) || fpRows.has(o.row - d * DAY_ROWS + s);
    const cause = afterWindow
      ? 'after a window'
      : prev !== null && prev.side === o.side && prev.reason === 'new level accepted'
        ? 're-alarm, same side, after "new level accepted"'
        : prev !== null && prev.side === o.side && since < DAY_ROWS
          ? 're-alarm, same side, < 1 day after it resolved'
          : prev !== null && since < DAY_ROWS
            ? 're-alarm, other side, < 1 day'
            : phase
              ? 'daily phase'
              : 'isolated';
    return {
      file: f.name,
      row: o.row,
      cause,
      voters: o.voters || '(none)',
      deviation: o.deviation,
      cost: weights[o.row] ?? 0,
      sinceResolved: since,
      detail:
        prev === null
          ? ''
          : `dur ${o.resolvedRow - o.row} prev@${prev.row} ${prev.side > 0 ? 'up' : 'down'} [${prev.lower.toPrecision(4)}, ${prev.upper.toPrecision(4)}] ${prev.reason}@${prev.resolvedRow}; now ${o.observed.toPrecision(4)} [${o.lower.toPrecision(4)}, ${o.upper.toPrecision(4)}]`,
    };
  });
}

function median(xs: readonly number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const mode: NabEngineMode = argv.includes('--engine')
    ? (argv[argv.indexOf('--engine') + 1] as NabEngineMode)
    : 'catalog';
  if (mode !== 'catalog' && mode !== 'inferred') throw new Error('--engine must be catalog or inferred');
  const corpus = await loadNabCorpus();
  const rows = corpus.files.flatMap((f) => classify(f, mode));
  console.log(`NAB false-positive rows through the engine (${mode}): ${rows.length}\n`);
  console.log('| cause | rows | voters | median |deviation| σ | low-FP weight Σ |');
  console.log('| --- | --- | --- | --- | --- |');
  const causes = [...new Set(rows.map((r) => r.cause))];
  for (const c of causes) {
    const rs = rows.filter((r) => r.cause === c);
    const voters = new Map<string, number>();
    for (const r of rs) voters.set(r.voters, (voters.get(r.voters) ?? 0) + 1);
    const v = [...voters]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    const cost = rs.reduce((a, r) => a + r.cost, 0);
    console.log(
      `| ${c} | ${rs.length} | ${v} | ${median(rs.map((r) => r.deviation)).toFixed(1)} | ${cost.toFixed(2)} |`,
    );
  }
  if (argv.includes('--rows'))
    for (const r of rows)
      console.log(
        `${r.file}\t${r.row}\t${r.cause}\t${r.voters}\t${r.deviation.toFixed(1)}\t${r.sinceResolved}\t${r.detail}`,
      );
}

await main();
