/**
 * The shapes of V8's inspector profiles that the converters read: the CPU profile of `Profiler.stop` and the
 * sampling heap profile of `HeapProfiler.getSamplingProfile` (only the fields used here; extra fields are
 * ignored). Declared here because @types/node 20 omits the heap profile's `samples`.
 * @see https://chromedevtools.github.io/devtools-protocol/v8/Profiler/#type-Profile
 * @see https://chromedevtools.github.io/devtools-protocol/v8/HeapProfiler/#type-SamplingHeapProfile
 */

/** Where a frame's function is: name, script URL and 0-based line/column of the function. */
export interface V8CallFrame {
  readonly functionName: string;
  readonly scriptId: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

/** One node of a CPU profile's call tree. */
export interface V8CpuProfileNode {
  readonly id: number;
  readonly callFrame: V8CallFrame;
  /** Samples whose top frame was this node. */
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

/** A CPU profile: the call tree, and the sampled node ids with the time before each sample. */
export interface V8CpuProfile {
  readonly nodes: readonly V8CpuProfileNode[];
  /** Profiling start and end, microseconds (V8's monotonic clock). */
  readonly startTime: number;
  readonly endTime: number;
  /** Node id of each sample, in time order. */
  readonly samples?: readonly number[];
  /** Microseconds between consecutive samples (the first is relative to startTime). */
  readonly timeDeltas?: readonly number[];
}

/** One node of a sampling heap profile: bytes of sampled live allocations made with this node on top. */
export interface V8HeapProfileNode {
  readonly id: number;
  readonly callFrame: V8CallFrame;
  /** Estimated bytes allocated by this frame that are still live (V8 scales the samples). */
  readonly selfSize: number;
  readonly children: readonly V8HeapProfileNode[];
}

/** One sampled allocation (V8 ≥ 7.x). */
export interface V8HeapSample {
  readonly size: number;
  readonly nodeId: number;
  readonly ordinal: number;
}

/** A sampling heap profile of live objects. */
export interface V8HeapProfile {
  readonly head: V8HeapProfileNode;
  readonly samples?: readonly V8HeapSample[];
}
