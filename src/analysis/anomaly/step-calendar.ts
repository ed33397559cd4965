/**
 * Weekly calendar of level steps for a CUSUM chart with a seasonal baseline (cusum.ts `weeklySteps`): a step the
 * chart accepted (Page's restart) that was undone later and recurs one week after it, at the same time of week and
 * with about the same size, is weekly seasonality, not a new shift — from its second occurrence on it is expected:
 * the chart re-anchors on it at once and does not vote.
 *
 * Why: a weekly series whose weekend is lower takes a step at the weekend's start. The chart signals it and its
 * restart moves the baseline to the weekend level within minutes, so the rest of the weekend leaves residuals ≈ 0
 * and the daily bins absorb the return on the first weekday: no weekday offset learned from residuals or day means
 * ever sees the weekend (weekday-profile.ts; on the labelled corpus the weekend also scales the daily amplitude,
 * so the step at its boundary is not a whole-day offset either). What the chart does see is its own restart, at
 * the same time every week. The calendar remembers those restarts; nothing about a weekday is built in — a week
 * is 7 periods of the seasonal baseline, and the phase of the step is learned.
 *
 * An entry: the change time t_c (where the excursion began: the sample after the CUSUM last left 0, Page's
 * change-point estimate), the step δ (the excursion's mean residual, value units) and the deseasonalised level
 * L₀ before it. A step *holds* when the deseasonalised level is still more than |δ|/2 from L₀
 * {@link MIN_HOLD_PERIODS} of a period after t_c (back before that: a burst, never counted), and is *undone* when
 * the level comes back within |δ|/2 of L₀ after it has held (a permanent shift is never undone). An excursion beginning at t is *expected* when an undone entry has |t − (t_c + week)| ≤ tolerance
 * (1/24 of a period: an hour for a day), the same sign, and its mean differs from δ by at most `slack` (the chart's
 * band, 2k σ: a difference the chart is tuned to detect is news, so a real shift on top of the weekly step still
 * votes). A one-off shift is not undone, so it is never expected; a shift at any other time of week is not either.
 *
 * First week ({@link WeeklyStepCalendar.unseenBoundary}, cusum.ts `firstWeekSteps`): an excursion that began at a
 * period boundary (within the tolerance) at a time of week the chart had not judged a week earlier is the calendar's
 * first chance to see a weekly step; the chart re-anchors on it without a vote and records it here.
 *
 * Bounded: at most {@link MAX_STEPS} entries (the oldest is dropped) and none older than a week plus the tolerance.
 * Pure; state ≈ 4 × 4 numbers.
 */
import { InvalidInputError } from '../../errors.ts';

/** Periods per week. */
const WEEK_PERIODS = 7;
/** Entries kept at most. */
export const MAX_STEPS = 4;
/** A step counts as undone only when the level returned at least this many periods after it (6 h for a day). */
const MIN_HOLD_PERIODS = 0.25;
/** Tolerance on the time of week, in periods (1 h for a day). */
const TOLERANCE_PERIODS = 1 / 24;

/** Phase of an entry: new (not yet held), burst (back before it held), held, undone. */
const NEW = 0;
const BURST = -1;
const HELD = 1;
const UNDONE = 2;

/** Stored state: one [change time ms, step, level before, phase −1 burst / 0 new / 1 held / 2 undone] per entry, oldest first. */
export interface StepCalendarState {
  readonly steps: readonly (readonly number[])[];
  /**
   * Time (ms) of the chart's first judged sample after its baseline's first period, −1 before one; absent in older
   * states (restored as 0, judged long ago: no time of week counts as unseen).
   */
  readonly firstJudgedTs?: number;
}

interface Step {
  t: number;
  delta: number;
  before: number;
  phase: number;
}

/**
 * Whether `t` (ms) lies within the calendar's tolerance (1/24 period) of a boundary of a period of `periodMs` (ms):
 * where a weekly pattern's steps happen (a weekend begins and ends at midnight). Pure.
 */
export function atPeriodBoundary(t: number, periodMs: number): boolean {
  const tol = TOLERANCE_PERIODS * periodMs;
  const phase = t - Math.floor(t / periodMs) * periodMs;
  return phase <= tol || periodMs - phase <= tol;
}

/** The calendar of one series (module comment). */
export class WeeklyStepCalendar {
  private steps: Step[] = [];
  private readonly weekMs: number;
  private readonly toleranceMs: number;
  private readonly holdMs: number;
  private readonly periodMs: number;
  /** Time of the chart's first judged sample after its baseline's first period; NaN before one. */
  private firstJudgedTs = Number.NaN;

  /**
   * @param periodMs the seasonal baseline's period (a day) in ms.
   * @param firstWeek keep the chart's first judged time for {@link unseenBoundary} (cusum.ts `firstWeekSteps`).
   */
  constructor(
    periodMs: number,
    private readonly firstWeek = false,
  ) {
    this.weekMs = WEEK_PERIODS * periodMs;
    this.toleranceMs = TOLERANCE_PERIODS * periodMs;
    this.holdMs = MIN_HOLD_PERIODS * periodMs;
    this.periodMs = periodMs;
  }

  /** The chart judged a sample at `t` (ms) after its baseline's first period: the first such time is kept. */
  judged(t: number): void {
    if (this.firstWeek && Number.isNaN(this.firstJudgedTs)) this.firstJudgedTs = t;
  }

  /**
   * Whether an excursion that began at `changeTs` (ms) began at a period boundary (within the tolerance, 1/24
   * period) at a time of week the chart had not judged one week earlier: `changeTs` − week < the first judged
   * time − tolerance (none judged yet: false). Pure.
   */
  unseenBoundary(changeTs: number): boolean {
    if (!(changeTs - this.weekMs < this.firstJudgedTs - this.toleranceMs)) return false;
    return atPeriodBoundary(changeTs, this.periodMs);
  }

  /** Entries held (for tests and the state size). */
  get size(): number {
    return this.steps.length;
  }

  /**
   * Records a step δ (value units) accepted by a restart of an excursion that began at `changeTs`, the
   * deseasonalised level having been `levelBefore`.
   */
  record(changeTs: number, delta: number, levelBefore: number): void {
    if (!(Number.isFinite(changeTs) && Number.isFinite(delta) && Number.isFinite(levelBefore))) return;
    if (this.steps.length >= MAX_STEPS) this.steps.shift();
    this.steps.push({ t: changeTs, delta, before: levelBefore, phase: NEW });
  }

  /**
   * One sample at `t` with the deseasonalised level `level`: moves each entry through new → held → undone (or
   * burst), drops those older than a week.
   */
  observe(t: number, level: number): void {
    const steps = this.steps;
    while (steps.length > 0 && t - steps[0]!.t > this.weekMs + this.toleranceMs) steps.shift();
    for (const s of steps) {
      if (s.phase === BURST || s.phase === UNDONE) continue;
      const back = Math.abs(level - s.before) <= Math.abs(s.delta) / 2;
      if (s.phase === HELD) {
        if (back) s.phase = UNDONE;
      } else if (back) s.phase = BURST;
      else if (t - s.t >= this.holdMs) s.phase = HELD;
    }
  }

  /**
   * Whether an excursion that began at `changeTs` with mean `delta` (value units) repeats an undone step of one
   * week before, within the tolerance in time and `slack` (value units, ≥ 0) in size, with the same sign.
   */
  expects(changeTs: number, delta: number, slack: number): boolean {
    for (const s of this.steps) {
      if (
        s.phase === UNDONE &&
        Math.abs(changeTs - s.t - this.weekMs) <= this.toleranceMs &&
        s.delta * delta > 0 &&
        Math.abs(delta - s.delta) <= slack
      )
        return true;
    }
    return false;
  }

  state(): StepCalendarState {
    const steps = this.steps.map((s) => [s.t, s.delta, s.before, s.phase]);
    if (!this.firstWeek) return { steps };
    return { steps, firstJudgedTs: Number.isNaN(this.firstJudgedTs) ? -1 : this.firstJudgedTs };
  }

  /** Replaces the state. @throws InvalidInputError (naming `who`) for a malformed state; nothing changes then. */
  setState(s: unknown, who: string): void {
    const bad = (msg: string): never => {
      throw new InvalidInputError(`${who}: cannot restore the weekly step calendar: ${msg}`);
    };
    if (typeof s !== 'object' || s === null) return bad('not an object');
    const steps = (s as { steps?: unknown }).steps;
    if (!Array.isArray(steps) || steps.length > MAX_STEPS)
      return bad(`steps must be an array of at most ${MAX_STEPS}`);
    const fj = (s as { firstJudgedTs?: unknown }).firstJudgedTs;
    if (fj !== undefined && !(typeof fj === 'number' && Number.isFinite(fj) && (fj === -1 || fj >= 0)))
      return bad('firstJudgedTs must be -1 or a time >= 0');
    const out: Step[] = [];
    for (const e of steps as unknown[]) {
      if (!(
        Array.isArray(e) &&
        e.length === 4 &&
        e.every((x) => typeof x === 'number' && Number.isFinite(x)) &&
        [BURST, NEW, HELD, UNDONE].includes(e[3] as number)
      ))
        return bad(
          'each step must be [change time ms, step, level before, phase -1, 0, 1 or 2] of finite numbers',
        );
      const [t, delta, before, phase] = e as number[];
      out.push({ t: t!, delta: delta!, before: before!, phase: phase! });
    }
    this.steps = out;
    if (this.firstWeek) this.firstJudgedTs = fj === undefined ? 0 : fj === -1 ? Number.NaN : fj;
  }

  /** Approximate bytes at the bound: the array, {@link MAX_STEPS} entries of 4 numbers (and the first judged time). */
  bytes(): number {
    return 32 + MAX_STEPS * 48 + (this.firstWeek ? 8 : 0);
  }
}
