/**
 * The context memory of CAD OSE (context-ose.ts): left and right semi-contexts indexed by fact, the contexts
 * that pair them with their activation counts, and one step of the method on a set of sensor facts (steps 1–4
 * of the module comment of context-ose.ts, before the refractory). Range handling, options, the refractory
 * period and snapshots stay in context-ose.ts. Pure, bounded by `maxContexts`/`maxSemiContexts`.
 * @see numenta/NAB @ ea702d75, `nab/detectors/context_ose/context_operator.py` (MIT): the reference.
 */

/** Which CPython tuple hash breaks ties between equally activated contexts (see the module comment of context-ose.ts). */
export type ContextOseTieBreak = 'cpython2' | 'cpython38';

/** Neuron facts are context ids offset by 2^31 (as in the reference), so they never collide with sensor facts. */
export const NEURON = 2 ** 31;

// ---------------------------------------------------------------------------------------------------------
// Tie-breaking hashes: the reference sorts active contexts by (activations, hash(left), hash(right)) with
// CPython tuple hashes of int tuples (hash(int) = int here), so we compute the same 64-bit values (CPython ≤ 3.7 /
// Python 2, or CPython ≥ 3.8 "xxHash" tuples) and compare them as signed integers.
const M64 = (1n << 64n) - 1n;

function tupleHashPy2(items: readonly number[]): bigint {
  let x = 0x345678n;
  let mult = 1000003n;
  let len = items.length;
  for (const it of items) {
    len--;
    const y = BigInt(it);
    x = ((x ^ y) * mult) & M64;
    mult += BigInt(82520 + len + len);
  }
  let s = BigInt.asIntN(64, (x + 97531n) & M64);
  if (s === -1n) s = -2n;
  return s;
}

const XX1 = 11400714785074694791n;
const XX2 = 14029467366897019727n;
const XX5 = 2870177450012600261n;
function tupleHashPy38(items: readonly number[]): bigint {
  let acc = XX5;
  for (const it of items) {
    const lane = BigInt(it);
    acc = (acc + lane * XX2) & M64;
    acc = ((acc << 31n) | (acc >> 33n)) & M64;
    acc = (acc * XX1) & M64;
  }
  acc = (acc + (BigInt(items.length) ^ (XX5 ^ 3527539n))) & M64;
  if (acc === M64) return 1546275796n;
  return BigInt.asIntN(64, acc);
}

/** Grows a typed array (doubling) so index `n` fits. */
function grow<T extends Int32Array | Float64Array | Uint8Array>(
  a: T,
  n: number,
  make: (len: number) => T,
): T {
  if (n < a.length) return a;
  const b = make(Math.max(16, a.length * 2, n + 1));
  b.set(a);
  return b;
}

/** One side's semi-contexts: fact lists, fact index, per-step match counts and tuple hashes. */
class Side {
  facts: number[][] = [];
  readonly byKey = new Map<string, number>();
  readonly factIndex = new Map<number, number[]>();
  count = new Int32Array(16);
  hashHi = new Float64Array(16);
  hashLo = new Float64Array(16);
  /** Semi-contexts with count > 0 after the last crossing, ascending id. */
  touched: number[] = [];
  factRefs = 0;

  add(facts: number[], key: string, hash: bigint): number {
    const id = this.facts.length;
    this.facts.push(facts);
    this.byKey.set(key, id);
    this.count = grow(this.count, id, (n) => new Int32Array(n));
    this.hashHi = grow(this.hashHi, id, (n) => new Float64Array(n));
    this.hashLo = grow(this.hashLo, id, (n) => new Float64Array(n));
    this.hashHi[id] = Number(hash >> 32n);
    this.hashLo[id] = Number(hash & 0xffffffffn);
    for (const f of facts) {
      let list = this.factIndex.get(f);
      if (list === undefined) {
        list = [];
        this.factIndex.set(f, list);
      }
      list.push(id);
    }
    this.factRefs += facts.length;
    return id;
  }

  /** Sets `count[s]` = |facts(s) ∩ group| for every semi-context s; `touched` = those with count > 0. */
  cross(group: readonly number[]): void {
    for (const s of this.touched) this.count[s] = 0;
    const touched: number[] = [];
    for (const f of group) {
      const list = this.factIndex.get(f);
      if (list === undefined) continue;
      for (const s of list) {
        const n = this.count[s]!;
        this.count[s] = n + 1;
        if (n === 0) touched.push(s);
      }
    }
    touched.sort((a, b) => a - b);
    this.touched = touched;
  }
}

/** Sorted intersection of two ascending fact lists. */
function intersect(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}

/** Limits and tie-break of one {@link ContextMemory}. */
export interface ModelParams {
  readonly maxLeft: number;
  readonly maxNeurons: number;
  readonly maxContexts: number;
  readonly maxSemi: number;
  readonly tieBreak: ContextOseTieBreak;
}

/** The context memory and one step of CAD OSE on a set of sensor facts (no range, no refractory). */
export class ContextMemory {
  readonly left = new Side();
  readonly right = new Side();
  /** Per context: left/right semi-context ids, activations, zero-level flag. */
  ctxLeft = new Int32Array(16);
  ctxRight = new Int32Array(16);
  ctxAct = new Float64Array(16);
  ctxZero = new Uint8Array(16);
  nContexts = 0;
  /** Per left semi-context: right semi-context id → context id, in creation order. */
  readonly ctxByRight: Map<number, number>[] = [];
  /** Left group (sensor facts + neuron facts) of the previous step, ascending. */
  leftGroup: number[] = [];
  readonly hash: (items: readonly number[]) => bigint;

  constructor(readonly p: ModelParams) {
    this.hash = p.tieBreak === 'cpython2' ? tupleHashPy2 : tupleHashPy38;
  }

  private semi(side: Side, facts: number[], isLeft: boolean): number {
    const key = facts.join(',');
    const id = side.byKey.get(key);
    if (id !== undefined) return id;
    if (side.facts.length >= this.p.maxSemi) return -1;
    const s = side.add(facts, key, this.hash(facts));
    if (isLeft) this.ctxByRight.push(new Map());
    return s;
  }

  /** Finds or creates the context (leftFacts, rightFacts); returns [id or −1 when capped, created]. */
  context(leftFacts: number[], rightFacts: number[], zero: boolean): [number, boolean] {
    if (this.nContexts >= this.p.maxContexts) {
      const l = this.left.byKey.get(leftFacts.join(','));
      const r = this.right.byKey.get(rightFacts.join(','));
      const c = l === undefined || r === undefined ? undefined : this.ctxByRight[l]!.get(r);
      if (c === undefined) return [-1, false];
      if (zero) this.ctxZero[c] = 1;
      return [c, false];
    }
    const l = this.semi(this.left, leftFacts, true);
    const r = this.semi(this.right, rightFacts, false);
    if (l < 0 || r < 0) return [-1, false];
    const map = this.ctxByRight[l]!;
    const existing = map.get(r);
    if (existing !== undefined) {
      if (zero) this.ctxZero[existing] = 1;
      return [existing, false];
    }
    const c = this.nContexts++;
    this.ensureContexts(c);
    map.set(r, c);
    this.ctxLeft[c] = l;
    this.ctxRight[c] = r;
    this.ctxAct[c] = 0;
    this.ctxZero[c] = zero ? 1 : 0;
    return [c, true];
  }

  ensureContexts(c: number): void {
    this.ctxLeft = grow(this.ctxLeft, c, (n) => new Int32Array(n));
    this.ctxRight = grow(this.ctxRight, c, (n) => new Int32Array(n));
    this.ctxAct = grow(this.ctxAct, c, (n) => new Float64Array(n));
    this.ctxZero = grow(this.ctxZero, c, (n) => new Uint8Array(n));
  }

  /** One step on the ascending sensor facts `sens`; learns and returns the raw score (before the refractory). */
  step(sens: number[]): number {
    const p = this.p;
    const L = this.left;
    const R = this.right;
    const uniq = new Set<string>();
    let newFlag = false;
    let newCtx = -1;
    const prevGroup = this.leftGroup;
    if (prevGroup.length > 0) {
      uniq.add(prevGroup.join(',') + '|' + sens.join(','));
      const [c, created] = this.context(prevGroup, sens, true);
      if (created) {
        newFlag = true;
        newCtx = c;
      }
    }
    R.cross(sens);
    // The reference compares context ids with `False` when no context was created, so context 0 is skipped.
    const skip = newFlag ? newCtx : 0;
    const active: number[] = [];
    let selected = 0;
    const potLeft: number[][] = [];
    const potRight: number[][] = [];
    for (const l of L.touched) {
      const lCount = L.count[l]!;
      const lFacts = L.facts[l]!;
      const full = lCount === lFacts.length;
      const canGrow = newFlag && lCount <= p.maxLeft;
      for (const [r, c] of this.ctxByRight[l]!) {
        if (c === skip) continue;
        const rc = R.count[r]!;
        const rLen = R.facts[r]!.length;
        if (full) {
          selected++;
          if (rc > 0) {
            if (rc === rLen) {
              this.ctxAct[c]!++;
              active.push(c);
              continue;
            }
          } else continue;
        } else if (rc === 0) continue;
        if (canGrow && this.ctxZero[c] === 1) {
          potLeft.push(intersect(lFacts, prevGroup));
          potRight.push(intersect(R.facts[r]!, sens));
        }
      }
    }
    for (let i = 0; i < potLeft.length; i++) uniq.add(potLeft[i]!.join(',') + '|' + potRight[i]!.join(','));
    const fracActive = selected > 0 ? active.length / selected : 0;

    // Neurons: the maxNeurons highest by (activations, hash(left), hash(right)).
    let neurons = active;
    if (active.length > p.maxNeurons) {
      const key = (c: number): [number, number, number, number, number] => {
        const l = this.ctxLeft[c]!;
        const r = this.ctxRight[c]!;
        return [this.ctxAct[c]!, L.hashHi[l]!, L.hashLo[l]!, R.hashHi[r]!, R.hashLo[r]!];
      };
      const keyed = active.map((c) => ({ c, k: key(c) }));
      keyed.sort((a, b) => {
        for (let i = 0; i < 5; i++) if (a.k[i] !== b.k[i]) return a.k[i]! - b.k[i]!;
        return 0;
      });
      neurons = keyed.slice(keyed.length - p.maxNeurons).map((e) => e.c);
    }
    const group = sens.slice();
    for (const c of neurons) group.push(NEURON + c);
    group.sort((a, b) => a - b);
    this.leftGroup = group;

    let added = 0;
    for (let i = 0; i < potLeft.length; i++) if (this.context(potLeft[i]!, potRight[i]!, false)[1]) added++;
    L.cross(group);
    if (newFlag) added++;
    const fracAdded = newFlag && uniq.size > 0 ? added / uniq.size : 0;
    return (1 - fracActive + fracAdded) / 2;
  }

  stateBytes(): number {
    const L = this.left;
    const R = this.right;
    let b = 0;
    for (const s of [L, R]) {
      // fact arrays (8 B/fact + ~32 B array header), key strings (~2 B/char + 24), Map entries (~40 B),
      // fact index (8 B/ref), typed arrays.
      b += s.factRefs * (8 + 8 + 22) + s.facts.length * (32 + 24 + 40 + 32);
      b += s.count.length * 4 + s.hashHi.length * 16 + s.factIndex.size * 64 + s.touched.length * 8;
    }
    b += this.ctxByRight.length * 64 + this.nContexts * 40; // per-left Maps and their entries
    b += this.ctxLeft.length * (4 + 4 + 8 + 1);
    b += this.leftGroup.length * 8;
    return b;
  }
}
