/**
 * Reading pprof files (gzip-compressed or plain profile.proto, decoded by `pprof-format`) into a small,
 * format-neutral view that the flame graph and the comparison work on: the sample types and, per sample, its
 * stack of function names (root first) and values.
 * @see https://github.com/google/pprof/blob/main/proto/profile.proto
 */
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { InvalidInputError, PayloadTooLargeError } from '../errors.ts';

/** Largest pprof input read (compressed or not) and the largest decompressed size: 64 MiB. */
export const MAX_PPROF_BYTES = 64 * 1024 * 1024;

/** A frame as readers show it. */
export interface ProfileFrame {
  /** Function name (`(anonymous)` when V8 had none). */
  readonly name: string;
  /** Script URL or file name ('' for native frames). */
  readonly file: string;
  /** 1-based line of the function, 0 when unknown. */
  readonly line: number;
}

/** A sample type such as `cpu/nanoseconds`. */
export interface SampleTypeInfo {
  readonly type: string;
  readonly unit: string;
}

/** A decoded profile. Stacks are root first. */
export interface ProfileView {
  readonly sampleTypes: readonly SampleTypeInfo[];
  /** Index into `sampleTypes` of the profile's default type (the last one when it names none). */
  readonly defaultIndex: number;
  readonly frames: readonly ProfileFrame[];
  /** Per sample: indexes into `frames`, root first, and one value per sample type. */
  readonly samples: readonly { readonly stack: readonly number[]; readonly values: readonly number[] }[];
  /** Profile start, Unix ms (0 when unset), and duration in ms (0 when unset). */
  readonly startedAtMs: number;
  readonly durationMs: number;
}

const num = (v: number | bigint): number => (typeof v === 'bigint' ? Number(v) : v);

/**
 * Decodes a pprof file.
 * @throws PayloadTooLargeError over {@link MAX_PPROF_BYTES}; InvalidInputError when the bytes are not a valid
 *   (optionally gzip-compressed) profile.proto, or a sample names an unknown location or function.
 */
export function readPprof(bytes: Uint8Array): ProfileView {
  if (bytes.byteLength > MAX_PPROF_BYTES) throw new PayloadTooLargeError(MAX_PPROF_BYTES, 'pprof profile');
  let raw: Uint8Array = bytes;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      raw = gunzipSync(bytes, { maxOutputLength: MAX_PPROF_BYTES });
    } catch (e) {
      throw new InvalidInputError(
        `pprof profile: gzip data is corrupt or too large: ${(e as Error).message}`,
      );
    }
  }
  let p: Profile;
  try {
    p = Profile.decode(raw);
  } catch (e) {
    throw new InvalidInputError(`not a pprof profile: ${(e as Error).message}`);
  }
  const str = (i: number | bigint): string => p.stringTable.strings[num(i)] ?? '';
  const sampleTypes = p.sampleType.map((t) => ({ type: str(t.type), unit: str(t.unit) }));
  if (sampleTypes.length === 0) throw new InvalidInputError('pprof profile has no sample types');
  const def = str(p.defaultSampleType);
  const defIdx = sampleTypes.findIndex((t) => t.type === def);
  const funcs = new Map<number, ProfileFrame>();
  for (const f of p.function)
    funcs.set(num(f.id), { name: str(f.name) || '(unknown)', file: str(f.filename), line: num(f.startLine) });
  const frames: ProfileFrame[] = [];
  const frameIdx = new Map<number, number>(); // function id → frame index
  const locFrames = new Map<number, number[]>(); // location id → frame indexes, caller first
  for (const loc of p.location) {
    const idxs: number[] = [];
    // Lines of a location are innermost first (inlined frames); store caller first.
    for (let i = loc.line.length - 1; i >= 0; i--) {
      const fid = num(loc.line[i]!.functionId);
      let fi = frameIdx.get(fid);
      if (fi === undefined) {
        const fr = funcs.get(fid);
        if (!fr)
          throw new InvalidInputError(`pprof profile: location ${num(loc.id)} names unknown function ${fid}`);
        fi = frames.length;
        frames.push(fr);
        frameIdx.set(fid, fi);
      }
      idxs.push(fi);
    }
    if (idxs.length === 0) {
      // A location without line info: show its address.
      idxs.push(frames.length);
      frames.push({ name: `0x${num(loc.address).toString(16)}`, file: '', line: 0 });
    }
    locFrames.set(num(loc.id), idxs);
  }
  const samples = p.sample.map((s) => {
    const stack: number[] = [];
    for (let i = s.locationId.length - 1; i >= 0; i--) {
      const fs = locFrames.get(num(s.locationId[i]!));
      if (!fs)
        throw new InvalidInputError(`pprof profile: sample names unknown location ${num(s.locationId[i]!)}`);
      stack.push(...fs);
    }
    return { stack, values: s.value.map(num) };
  });
  return {
    sampleTypes,
    defaultIndex: defIdx >= 0 ? defIdx : sampleTypes.length - 1,
    frames,
    samples,
    startedAtMs: Math.round(num(p.timeNanos) / 1e6),
    durationMs: Math.round(num(p.durationNanos) / 1e6),
  };
}

/**
 * The index of the sample type named `type` (e.g. `cpu`, `inuse_space`), or the default one when `type` is
 * undefined.
 * @throws InvalidInputError when the profile has no sample type of that name (the message lists them).
 */
export function sampleTypeIndex(view: ProfileView, type: string | undefined): number {
  if (type === undefined) return view.defaultIndex;
  const i = view.sampleTypes.findIndex((t) => t.type === type);
  if (i < 0)
    throw new InvalidInputError(
      `profile has no sample type ${JSON.stringify(type)}; it has ${view.sampleTypes.map((t) => t.type).join(', ')}`,
    );
  return i;
}
