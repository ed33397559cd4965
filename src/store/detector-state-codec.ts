/**
 * Validation and JSON encoding of detector states, shared by every backend so that they accept, reject and
 * read back exactly the same rows (no I/O).
 */
import { InvalidInputError, PayloadTooLargeError, type DwcpError } from '../errors.ts';
import {
  MAX_DETECTOR_STATE_BYTES,
  type DetectorStateRow,
  type HeldBand,
  type LoadDetectorStatesResult,
} from './types.ts';

/**
 * A state stored with the band of an open anomaly is the JSON object `{"$hold": band, "$state": state}` (exactly
 * these two keys); a state without one is stored as it is, as before the band was kept, so older rows read back
 * unchanged.
 */
const HOLD_KEY = '$hold';
const STATE_KEY = '$state';

/** Whether `h` is a well-formed held band (finite lower <= upper, integer opening time). */
function isHeldBand(h: unknown): h is HeldBand {
  const b = h as Partial<HeldBand> | null;
  return (
    typeof b === 'object' &&
    b !== null &&
    typeof b.lower === 'number' &&
    typeof b.upper === 'number' &&
    Number.isFinite(b.lower) &&
    Number.isFinite(b.upper) &&
    b.lower <= b.upper &&
    Number.isSafeInteger(b.openedAtMs)
  );
}

/** The stored value of a row: its state, wrapped with its held band when it has a well-formed one. */
function storedValue(r: DetectorStateRow): unknown {
  if (r.hold === undefined || !isHeldBand(r.hold)) return r.state;
  const { lower, upper, openedAtMs } = r.hold;
  return { [HOLD_KEY]: { lower, upper, openedAtMs }, [STATE_KEY]: r.state };
}

/** The state and held band of a stored value; a malformed band is dropped (the state stays readable). */
function unwrap(v: unknown): { state: unknown; hold?: HeldBand } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { state: v };
  const keys = Object.keys(v);
  if (keys.length !== 2 || !(HOLD_KEY in v) || !(STATE_KEY in v)) return { state: v };
  const o = v as Record<string, unknown>;
  const h = o[HOLD_KEY];
  return isHeldBand(h)
    ? { state: o[STATE_KEY], hold: { lower: h.lower, upper: h.upper, openedAtMs: h.openedAtMs } }
    : { state: o[STATE_KEY] };
}

/** Whether `v` fits the `integer` (int32) version column of PostgreSQL. */
function isInt32(v: number): boolean {
  return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
}

/** A detector state ready to store: the row's fields with `state` as JSON text and its UTF-8 size. */
export interface EncodedDetectorState {
  readonly seriesKey: string;
  readonly detector: string;
  readonly version: number;
  /** `JSON.stringify(state)`, at most `MAX_DETECTOR_STATE_BYTES` UTF-8 bytes. */
  readonly stateJson: string;
  readonly updatedAtMs: number;
  /** UTF-8 bytes of `stateJson` (its length when that alone proves it fits). */
  readonly bytes: number;
}

/** A row that could not be encoded, with the reason. */
export interface RejectedDetectorState {
  readonly seriesKey: string;
  readonly error: DwcpError;
}

/**
 * Validates `rows`, keeps the last row of each series key (in the order of last occurrence) and encodes each
 * state as JSON. States whose JSON exceeds `MAX_DETECTOR_STATE_BYTES` are rejected with
 * `PayloadTooLargeError`, states that cannot be written as JSON with `InvalidInputError`.
 * @throws InvalidInputError when a row has an empty series key or detector name, a version that is not a
 *   32-bit integer, or a timestamp that is not a safe integer (then nothing of the batch may be stored).
 * @see DetectorStateStore.saveDetectorStates in ./types.ts
 */
export function encodeDetectorStates(rows: readonly DetectorStateRow[]): {
  encoded: EncodedDetectorState[];
  rejected: RejectedDetectorState[];
} {
  const latest = new Map<string, DetectorStateRow>();
  for (const r of rows) {
    if (typeof r.seriesKey !== 'string' || r.seriesKey.length === 0)
      throw new InvalidInputError('detector state: series key must be a non-empty string');
    if (typeof r.detector !== 'string' || r.detector.length === 0)
      throw new InvalidInputError(
        `detector state of ${r.seriesKey}: detector name must be a non-empty string`,
      );
    if (!isInt32(r.version))
      throw new InvalidInputError(
        `detector state of ${r.seriesKey}: version ${r.version} is not a 32-bit integer`,
      );
    if (!Number.isSafeInteger(r.updatedAtMs))
      throw new InvalidInputError(
        `detector state of ${r.seriesKey}: updatedAtMs ${r.updatedAtMs} is not an integer in ms`,
      );
    latest.delete(r.seriesKey); // re-insert so the map keeps the order of last occurrence
    latest.set(r.seriesKey, r);
  }
  const rejected: RejectedDetectorState[] = [];
  const encoded: EncodedDetectorState[] = [];
  for (const r of latest.values()) {
    let json: string | undefined;
    try {
      json = JSON.stringify(storedValue(r));
    } catch (e) {
      rejected.push({
        seriesKey: r.seriesKey,
        error: new InvalidInputError(
          `detector state of ${r.seriesKey} cannot be written as JSON: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e },
        ),
      });
      continue;
    }
    if (json === undefined) {
      rejected.push({
        seriesKey: r.seriesKey,
        error: new InvalidInputError(
          `detector state of ${r.seriesKey} cannot be written as JSON (${typeof r.state})`,
        ),
      });
      continue;
    }
    // A UTF-8 byte is at most 3 per UTF-16 unit: skip the exact count when the length alone proves it fits.
    const bytes = json.length * 3 <= MAX_DETECTOR_STATE_BYTES ? json.length : Buffer.byteLength(json, 'utf8');
    if (bytes > MAX_DETECTOR_STATE_BYTES) {
      rejected.push({
        seriesKey: r.seriesKey,
        error: new PayloadTooLargeError(
          MAX_DETECTOR_STATE_BYTES,
          `detector state of ${r.seriesKey} (${r.detector} v${r.version}, ${bytes} bytes)`,
        ),
      });
      continue;
    }
    encoded.push({
      seriesKey: r.seriesKey,
      detector: r.detector,
      version: r.version,
      stateJson: json,
      updatedAtMs: r.updatedAtMs,
      bytes,
    });
  }
  return { encoded, rejected };
}

/** A stored detector state as a backend reads it (integers may come back as strings from PostgreSQL). */
export interface StoredDetectorState {
  readonly seriesKey: string;
  readonly detector: string;
  readonly version: number | string;
  readonly stateJson: string;
  readonly updatedAt: number | string;
}

/**
 * Decodes a stored detector state; `undefined` when it is malformed (state not valid JSON, empty detector
 * name, version or timestamp not an integer). Never throws.
 */
export function decodeDetectorState(r: StoredDetectorState): DetectorStateRow | undefined {
  const version = Number(r.version);
  const updatedAtMs = Number(r.updatedAt);
  let state: unknown;
  try {
    state = JSON.parse(r.stateJson);
  } catch {
    return undefined;
  }
  if (r.detector.length === 0 || !Number.isSafeInteger(version) || !Number.isSafeInteger(updatedAtMs))
    return undefined;
  const { state: inner, hold } = unwrap(state);
  return {
    seriesKey: r.seriesKey,
    detector: r.detector,
    version,
    state: inner,
    updatedAtMs,
    ...(hold !== undefined ? { hold } : {}),
  };
}

/** Decodes stored states in order ({@link decodeDetectorState}), counting the malformed ones instead of returning them. */
export function decodeDetectorStates(stored: Iterable<StoredDetectorState>): LoadDetectorStatesResult {
  const rows: DetectorStateRow[] = [];
  let malformed = 0;
  for (const r of stored) {
    const row = decodeDetectorState(r);
    if (row === undefined) malformed++;
    else rows.push(row);
  }
  return { rows, malformed };
}
