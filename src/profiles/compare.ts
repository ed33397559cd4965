/**
 * Comparison of two profiles of the same kind (two CPU profiles, or two heap profiles): per function, its
 * self and total (cumulative) value as a share of each profile's total, and the change in share from the base
 * to the target. Shares, not raw values, so profiles of different lengths or sampling rates compare fairly
 * (the normalisation of `go tool pprof -diff_base ... -normalize`). The functions that gained the most share
 * and those that lost the most are returned, ranked by the change of their self share (ties by total share).
 * A function counts once per sample in its total even when recursive. Pure.
 * @see https://github.com/google/pprof/blob/main/doc/README.md#comparing-profiles
 */
import { InvalidInputError } from '../errors.ts';
import { sampleTypeIndex, type ProfileView, type SampleTypeInfo } from './pprof-read.ts';

/** One function in the comparison. Shares are 0..1. */
export interface FunctionDelta {
  readonly name: string;
  readonly file: string;
  readonly baseSelfShare: number;
  readonly targetSelfShare: number;
  /** targetSelfShare − baseSelfShare. */
  readonly selfShareDelta: number;
  readonly baseTotalShare: number;
  readonly targetTotalShare: number;
  /** targetTotalShare − baseTotalShare. */
  readonly totalShareDelta: number;
}

/** Result of {@link compareProfiles}. */
export interface ProfileComparison {
  readonly sampleType: SampleTypeInfo;
  readonly baseTotal: number;
  readonly targetTotal: number;
  /** Functions whose self share grew most, largest gain first (only positive changes). */
  readonly gained: readonly FunctionDelta[];
  /** Functions whose self share fell most, largest loss first (only negative changes). */
  readonly lost: readonly FunctionDelta[];
  /** Functions seen in either profile. */
  readonly functions: number;
}

interface Acc {
  self: number;
  total: number;
}

function byFunction(view: ProfileView, idx: number): { total: number; fns: Map<string, Acc> } {
  const fns = new Map<string, Acc>();
  let total = 0;
  const seen = new Set<string>();
  for (const s of view.samples) {
    const v = s.values[idx] ?? 0;
    if (v <= 0 || s.stack.length === 0) continue;
    total += v;
    seen.clear();
    for (let i = 0; i < s.stack.length; i++) {
      const f = view.frames[s.stack[i]!]!;
      const key = `${f.name}\u0000${f.file}`;
      let a = fns.get(key);
      if (!a) {
        a = { self: 0, total: 0 };
        fns.set(key, a);
      }
      if (!seen.has(key)) {
        a.total += v;
        seen.add(key);
      }
      if (i === s.stack.length - 1) a.self += v;
    }
  }
  return { total, fns };
}

/**
 * Compares `base` with `target`.
 * @param top how many gained and lost functions to return (1..1000, default 20)
 * @param sampleType sample type name present in both (default: the base's default type)
 * @throws InvalidInputError when the profiles do not share the sample type (e.g. a CPU and a heap profile) or
 *   `top` is out of range.
 */
export function compareProfiles(
  base: ProfileView,
  target: ProfileView,
  top = 20,
  sampleType?: string,
): ProfileComparison {
  if (!Number.isInteger(top) || top < 1 || top > 1000)
    throw new InvalidInputError(`top must be an integer 1..1000, got ${top}`);
  const bi = sampleTypeIndex(base, sampleType);
  const type = base.sampleTypes[bi]!;
  const ti = target.sampleTypes.findIndex((t) => t.type === type.type && t.unit === type.unit);
  if (ti < 0) {
    throw new InvalidInputError(
      `cannot compare: the target profile has no sample type ${type.type}/${type.unit} (it has ${target.sampleTypes.map((t) => `${t.type}/${t.unit}`).join(', ')})`,
    );
  }
  const b = byFunction(base, bi);
  const t = byFunction(target, ti);
  const share = (v: number, tot: number): number => (tot > 0 ? v / tot : 0);
  const keys = new Set([...b.fns.keys(), ...t.fns.keys()]);
  const deltas: FunctionDelta[] = [];
  for (const k of keys) {
    const [name = '', file = ''] = k.split('\u0000');
    const ba = b.fns.get(k) ?? { self: 0, total: 0 };
    const ta = t.fns.get(k) ?? { self: 0, total: 0 };
    const baseSelfShare = share(ba.self, b.total);
    const targetSelfShare = share(ta.self, t.total);
    const baseTotalShare = share(ba.total, b.total);
    const targetTotalShare = share(ta.total, t.total);
    deltas.push({
      name,
      file,
      baseSelfShare,
      targetSelfShare,
      selfShareDelta: targetSelfShare - baseSelfShare,
      baseTotalShare,
      targetTotalShare,
      totalShareDelta: targetTotalShare - baseTotalShare,
    });
  }
  const order = (a: FunctionDelta, c: FunctionDelta): number =>
    c.selfShareDelta - a.selfShareDelta ||
    c.totalShareDelta - a.totalShareDelta ||
    a.name.localeCompare(c.name);
  const gained = deltas
    .filter((d) => d.selfShareDelta > 0)
    .sort(order)
    .slice(0, top);
  const lost = deltas
    .filter((d) => d.selfShareDelta < 0)
    .sort((a, c) => order(c, a))
    .slice(0, top);
  return { sampleType: type, baseTotal: b.total, targetTotal: t.total, gained, lost, functions: keys.size };
}
