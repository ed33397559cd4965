/**
 * Conversions of values from untrusted request bodies (parsed JSON, decoded protobuf) that never run the value's
 * own methods: `String(x)` and `Number(x)` call an object's `toString`/`valueOf`, so a body holding
 * `{"toString": false}` would make them throw a TypeError instead of giving a value to validate.
 */

/**
 * Text of an untrusted value: strings as they are; numbers, booleans and bigints in decimal; null and undefined
 * as ''; objects and arrays as their JSON text.
 */
export function textOfUntrusted(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${v}`;
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

/** Number of an untrusted value: numbers as they are, strings parsed (`Number`), anything else NaN. */
export function numberOfUntrusted(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  return NaN;
}
