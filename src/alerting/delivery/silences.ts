/**
 * Silences of the built-in delivery, as Alertmanager defines them: label matchers and a time window; an
 * incident whose labels match every matcher of an active silence is not notified. Validation and matching;
 * pure (time comes in).
 * @see https://prometheus.io/docs/alerting/latest/alertmanager/#silences
 */
import { silenceInputSchema, type Silence } from '../../contract/alerting.ts';
import { InvalidInputError } from '../../errors.ts';
import { compileMatchers, matchesAll, type CompiledMatcher } from '../matchers.ts';

/** Longest silence accepted (1 year). */
export const MAX_SILENCE_MS = 365 * 86_400_000;

/** A silence to store (times in Unix ms), from a validated request body. */
export interface SilenceDraft {
  readonly matchers: Silence['matchers'];
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly createdBy: string;
  readonly comment: string;
}

/**
 * Validates a request body (create or replace).
 * @param nowMs the time startsAt defaults to
 * @throws InvalidInputError naming the field: unknown or missing fields, invalid label names, invalid regular
 *   expressions, times that are not RFC 3339, endsAt not after startsAt, endsAt in the past, longer than a year,
 *   or matchers that all match the empty string (they would silence everything)
 */
export function parseSilenceInput(body: unknown, nowMs: number): SilenceDraft {
  const res = silenceInputSchema.safeParse(body);
  if (!res.success) {
    throw new InvalidInputError(
      `invalid silence: ${res.error.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ')}`,
    );
  }
  const v = res.data;
  const compiled = compileMatchers(v.matchers);
  const startsAtMs = v.startsAt === undefined ? nowMs : Date.parse(v.startsAt);
  const endsAtMs = Date.parse(v.endsAt);
  if (endsAtMs <= nowMs) throw new InvalidInputError('invalid silence: endsAt is in the past');
  if (endsAtMs <= startsAtMs) throw new InvalidInputError('invalid silence: endsAt must be after startsAt');
  if (endsAtMs - startsAtMs > MAX_SILENCE_MS)
    throw new InvalidInputError('invalid silence: longer than one year');
  if (matchesAll(compiled, {})) {
    throw new InvalidInputError(
      'invalid silence: the matchers all match an empty label set, so the silence would match every alert; add a matcher on a label with a value',
    );
  }
  return { matchers: v.matchers, startsAtMs, endsAtMs, createdBy: v.createdBy, comment: v.comment };
}

/** The state of a silence at `nowMs`. */
export function silenceState(s: Pick<Silence, 'startsAtMs' | 'endsAtMs'>, nowMs: number): Silence['state'] {
  return nowMs < s.startsAtMs ? 'pending' : nowMs < s.endsAtMs ? 'active' : 'expired';
}

/** A silence with compiled matchers. */
export interface ActiveSilence {
  readonly silence: Silence;
  readonly matchers: readonly CompiledMatcher[];
}

/** Compiles silences for matching (silences whose regex no longer compiles are left out). */
export function compileSilences(silences: readonly Silence[]): ActiveSilence[] {
  const out: ActiveSilence[] = [];
  for (const s of silences) {
    try {
      out.push({ silence: s, matchers: compileMatchers(s.matchers) });
    } catch {
      // validated on the way in; a stored silence that no longer compiles silences nothing
    }
  }
  return out;
}

/** The ids of silences active at `nowMs` that match `labels`. */
export function silencedBy(
  labels: Readonly<Record<string, string>>,
  silences: readonly ActiveSilence[],
  nowMs: number,
): string[] {
  return silences
    .filter((s) => silenceState(s.silence, nowMs) === 'active' && matchesAll(s.matchers, labels))
    .map((s) => s.silence.id);
}
