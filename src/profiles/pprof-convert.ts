/**
 * Converts V8 inspector profiles to the pprof format (profile.proto, encoded by `pprof-format`), the format
 * `go tool pprof`, Pyroscope and Grafana read. Pure: no clocks, no I/O.
 *
 * - CPU: sample types `samples/count` and `cpu/nanoseconds` (as Go's CPU profile), period type
 *   `cpu/nanoseconds` with the sampling interval as period; one pprof sample per call-tree node with hits,
 *   its value the node's hit count and hit count × interval.
 * - Heap: sample types `inuse_objects/count` and `inuse_space/bytes` (as Go's heap profile); one pprof sample
 *   per node with live bytes. Bytes are V8's `selfSize` (already an unbiased estimate); objects are the sampled
 *   allocations scaled by 1 / (1 − e^(−size/interval)), the Poisson correction Go's `scaleHeapSample` uses.
 *
 * Frames: one pprof Function per (name, script, start line), one Location per Function (V8 CPU nodes carry the
 * function's position, not the line sampled). Stacks are stored leaf first, as profile.proto requires. The
 * synthetic root node `(root)` is dropped; `(program)`, `(idle)` and `(garbage collector)` are kept as frames.
 *
 * @see https://github.com/google/pprof/blob/main/proto/profile.proto
 * @see https://github.com/google/pprof-nodejs/blob/main/ts/src/profile-serializer.ts (the same mapping)
 * @see https://go.dev/src/runtime/pprof/protomem.go (scaleHeapSample)
 */
import {
  Function as PprofFunction,
  Location,
  Profile,
  Sample,
  StringTable,
  ValueType,
  type LineInput,
} from 'pprof-format';
import { InvalidInputError } from '../errors.ts';
import type {
  V8CallFrame,
  V8CpuProfile,
  V8CpuProfileNode,
  V8HeapProfile,
  V8HeapProfileNode,
} from './v8-profile.ts';

/** Options shared by the converters. */
export interface ConvertOptions {
  /** Wall-clock start of the profile, Unix ms (written as `time_nanos`). */
  readonly startedAtMs: number;
  /** Free-text comments stored in the profile (e.g. which process). */
  readonly comments?: readonly string[];
}

/** Builds the function/location tables, deduplicating frames. */
class FrameTable {
  readonly strings = new StringTable();
  readonly functions: PprofFunction[] = [];
  readonly locations: Location[] = [];
  private readonly byKey = new Map<string, number>();

  /** Location id (1-based) of a call frame. */
  locationOf(frame: V8CallFrame): number {
    const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
    const file = frame.url;
    const line = frame.lineNumber >= 0 ? frame.lineNumber + 1 : 0;
    const key = `${name}\u0000${file}\u0000${line}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const id = this.functions.length + 1;
    this.functions.push(
      new PprofFunction({
        id,
        name: this.strings.dedup(name),
        systemName: this.strings.dedup(name),
        filename: this.strings.dedup(file),
        startLine: line,
      }),
    );
    const lineInput: LineInput = { functionId: id, line };
    this.locations.push(new Location({ id, line: [lineInput] }));
    this.byKey.set(key, id);
    return id;
  }
}

function checkMs(name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0)
    throw new InvalidInputError(`${name} must be a finite number >= 0, got ${v}`);
}

/**
 * Converts a V8 CPU profile.
 * @param profile `Profiler.stop`'s profile
 * @param intervalMicros the sampling interval set with `Profiler.setSamplingInterval` (µs, > 0)
 * @throws InvalidInputError when a node id is repeated, a child id is unknown, or the interval is not positive.
 */
export function cpuProfileToPprof(
  profile: V8CpuProfile,
  intervalMicros: number,
  opts: ConvertOptions,
): Profile {
  if (!Number.isFinite(intervalMicros) || intervalMicros <= 0)
    throw new InvalidInputError(`sampling interval must be > 0 µs, got ${intervalMicros}`);
  checkMs('startedAtMs', opts.startedAtMs);
  const byId = new Map<number, V8CpuProfileNode>();
  for (const n of profile.nodes) {
    if (byId.has(n.id)) throw new InvalidInputError(`CPU profile: node id ${n.id} repeated`);
    byId.set(n.id, n);
  }
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    for (const c of n.children ?? []) {
      if (!byId.has(c)) throw new InvalidInputError(`CPU profile: node ${n.id} has unknown child ${c}`);
      parent.set(c, n.id);
    }
  }
  // Hits per node: from `samples` when present (the authoritative record), else from hitCount.
  const hits = new Map<number, number>();
  if (profile.samples && profile.samples.length > 0) {
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  } else {
    for (const n of profile.nodes) if ((n.hitCount ?? 0) > 0) hits.set(n.id, n.hitCount!);
  }
  const frames = new FrameTable();
  const intervalNanos = Math.round(intervalMicros * 1000);
  const samples: Sample[] = [];
  for (const [id, count] of hits) {
    const stack: number[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur);
      if (!node) throw new InvalidInputError(`CPU profile: sample names unknown node ${cur}`);
      if (parent.get(cur) === undefined && node.callFrame.functionName === '(root)') break;
      stack.push(frames.locationOf(node.callFrame));
      if (stack.length > 1024) break; // deeper stacks are cut (pprof readers cope; V8 limits depth anyway)
    }
    if (stack.length === 0) continue;
    samples.push(new Sample({ locationId: stack, value: [count, count * intervalNanos] }));
  }
  const s = frames.strings;
  const durationNanos = Math.max(0, Math.round((profile.endTime - profile.startTime) * 1000));
  return new Profile({
    sampleType: [
      new ValueType({ type: s.dedup('samples'), unit: s.dedup('count') }),
      new ValueType({ type: s.dedup('cpu'), unit: s.dedup('nanoseconds') }),
    ],
    sample: samples,
    location: frames.locations,
    function: frames.functions,
    stringTable: s,
    timeNanos: BigInt(Math.round(opts.startedAtMs)) * 1_000_000n,
    durationNanos,
    periodType: new ValueType({ type: s.dedup('cpu'), unit: s.dedup('nanoseconds') }),
    period: intervalNanos,
    comment: (opts.comments ?? []).map((c) => s.dedup(c)),
    defaultSampleType: s.dedup('cpu'),
  });
}

/**
 * Converts a V8 sampling heap profile of live objects.
 * @param intervalBytes the mean sampling interval given to `HeapProfiler.startSampling` (bytes, > 0)
 * @throws InvalidInputError when the interval is not positive or the tree is deeper than 10 000 frames.
 */
export function heapProfileToPprof(
  profile: V8HeapProfile,
  intervalBytes: number,
  opts: ConvertOptions,
): Profile {
  if (!Number.isFinite(intervalBytes) || intervalBytes <= 0)
    throw new InvalidInputError(`sampling interval must be > 0 bytes, got ${intervalBytes}`);
  checkMs('startedAtMs', opts.startedAtMs);
  const objects = new Map<number, number>();
  for (const smp of profile.samples ?? []) {
    const scale = 1 / (1 - Math.exp(-smp.size / intervalBytes));
    objects.set(smp.nodeId, (objects.get(smp.nodeId) ?? 0) + (Number.isFinite(scale) ? scale : 1));
  }
  const frames = new FrameTable();
  const samples: Sample[] = [];
  // Iterative depth-first walk with the path of location ids (root first).
  const stack: { node: V8HeapProfileNode; path: number[] }[] = [{ node: profile.head, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (path.length > 10_000) throw new InvalidInputError('heap profile deeper than 10000 frames');
    const isRoot = node === profile.head && node.callFrame.functionName === '(root)';
    const here = isRoot ? path : [...path, frames.locationOf(node.callFrame)];
    if (node.selfSize > 0 && here.length > 0) {
      const count = Math.round(objects.get(node.id) ?? 0);
      samples.push(
        new Sample({ locationId: [...here].reverse(), value: [count, Math.round(node.selfSize)] }),
      );
    }
    for (const c of node.children) stack.push({ node: c, path: here });
  }
  const s = frames.strings;
  return new Profile({
    sampleType: [
      new ValueType({ type: s.dedup('inuse_objects'), unit: s.dedup('count') }),
      new ValueType({ type: s.dedup('inuse_space'), unit: s.dedup('bytes') }),
    ],
    sample: samples,
    location: frames.locations,
    function: frames.functions,
    stringTable: s,
    timeNanos: BigInt(Math.round(opts.startedAtMs)) * 1_000_000n,
    periodType: new ValueType({ type: s.dedup('space'), unit: s.dedup('bytes') }),
    period: Math.round(intervalBytes),
    comment: (opts.comments ?? []).map((c) => s.dedup(c)),
    defaultSampleType: s.dedup('inuse_space'),
  });
}
