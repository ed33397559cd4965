/**
 * Query-parameter parsing shared by the route plugins: zod 4 strict objects, Prometheus' time conventions
 * (RFC3339 or Unix seconds with an optional fraction) and durations (float seconds or `1m30s`, grammar in
 * model/duration.ts), and families of parameters such as `match[label]`. Every failure is an InvalidInputError or an
 * UnknownParameterError, which `error-handler.ts` turns into 400.
 */
import { z } from 'zod';
import { InvalidInputError, UnknownParameterError } from '../errors.ts';
import { parseDuration } from '../model/duration.ts';

const UNIX_SECONDS = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Keys that would reach an object's prototype instead of an own property (refused, never ignored). */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function pre(name: string): string {
  return name === '' ? '' : name + ': ';
}

/**
 * Parses a Prometheus API time (`name` prefixes error messages; '' for none): RFC3339 (`2024-05-01T12:00:00Z`, `2024-05-01T14:00:00.5+02:00`) or Unix
 * seconds (`1714564800`, `1714564800.25`).
 * @returns Unix milliseconds (rounded to whole ms)
 * @throws InvalidInputError for anything else, impossible dates (Feb 30) or times outside ±8.64e15 ms
 */
export function parseTime(value: string, name: string): number {
  let ms: number;
  if (UNIX_SECONDS.test(value)) {
    ms = Math.round(Number(value) * 1000);
  } else {
    const m = RFC3339.exec(value);
    if (!m) throw new InvalidInputError(`${pre(name)}cannot parse "${value}" as RFC3339 or Unix seconds`);
    ms = Date.parse(value.toUpperCase());
    const [, y, mo, d, h, mi, s] = m;
    const dt = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
    const valid =
      dt.getUTCFullYear() === Number(y) &&
      dt.getUTCMonth() === Number(mo) - 1 &&
      dt.getUTCDate() === Number(d) &&
      dt.getUTCHours() === Number(h) &&
      dt.getUTCMinutes() === Number(mi) &&
      dt.getUTCSeconds() === Number(s);
    if (!valid) throw new InvalidInputError(`${pre(name)}"${value}" is not a valid date and time`);
  }
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    throw new InvalidInputError(`${pre(name)}"${value}" is out of range`);
  }
  return ms;
}

/** Wraps a parse function that throws DwcpError/Error into a zod string transform with a readable issue. */
function stringVia<T>(parse: (s: string) => T) {
  return z.string().transform((s, ctx): T => {
    try {
      return parse(s);
    } catch (err) {
      ctx.issues.push({
        code: 'custom',
        message: err instanceof Error ? err.message : String(err),
        input: s,
      });
      return z.NEVER;
    }
  });
}

/** zod schema of a time parameter (see {@link parseTime}); output Unix ms. */
export function timeParam() {
  return stringVia((s) => parseTime(s, ''));
}

/**
 * zod schema of a duration parameter: the product's duration grammar with plain seconds allowed, as Prometheus'
 * HTTP API (`15`, `0.5`, `15s`, `1m30s`, `250ms`; see {@link parseDuration}); output whole ms, possibly 0 or
 * negative for plain seconds (routes check the range).
 */
export function durationParam() {
  return stringVia((s) => parseDuration(s, { bareSeconds: true }));
}

/** zod schema of a decimal integer parameter in [min, max]. */
export function intParam(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, { message: 'must be a non-negative decimal integer' })
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n) && n >= min && n <= max, {
      message: `must be between ${min} and ${max}`,
    });
}

/** Options of {@link parseQuery}. */
export interface QuerySpec<S extends z.ZodObject> {
  /** A `z.strictObject` whose keys are the plain parameter names. */
  readonly schema: S;
  /** Parameter families: `match` accepts `match[label]=value` for any valid label name. */
  readonly families?: readonly string[];
  /** Plain parameters that may repeat (they reach the schema as `string | string[]`). */
  readonly repeatable?: readonly string[];
}

/** Result of {@link parseQuery}. */
export interface ParsedQuery<T> {
  readonly values: T;
  /** Per family, label → value (each label at most once). */
  readonly families: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/**
 * Validates a request's query object.
 * @param raw fastify's `request.query` (values are strings, or string arrays for repeated keys)
 * @throws UnknownParameterError naming the unknown parameters and listing the known ones
 * @throws InvalidInputError when a non-repeatable parameter repeats, a family member has an invalid label name
 *   or a prototype key (`match[__proto__]`, `match[constructor]`, `match[prototype]`), or the schema rejects a value (message: `parameter: reason`)
 */
export function parseQuery<S extends z.ZodObject>(
  raw: unknown,
  spec: QuerySpec<S>,
): ParsedQuery<z.output<S>> {
  const shapeKeys = Object.keys(spec.schema.shape);
  const families = spec.families ?? [];
  const repeatable = new Set(spec.repeatable ?? []);
  const input = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const plain: Record<string, unknown> = {};
  const fam = new Map<string, Record<string, string>>(families.map((f) => [f, {}]));
  const unknown: string[] = [];
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (shapeKeys.includes(key)) {
      if (Array.isArray(value) && !repeatable.has(key)) {
        throw new InvalidInputError(`${key}: parameter given more than once`);
      }
      plain[key] = value;
      continue;
    }
    const family = families.find((f) => key.startsWith(f + '[') && key.endsWith(']'));
    if (family === undefined) {
      unknown.push(key);
      continue;
    }
    const label = key.slice(family.length + 1, -1);
    if (!LABEL_NAME.test(label)) throw new InvalidInputError(`${key}: "${label}" is not a valid label name`);
    if (PROTOTYPE_KEYS.has(label))
      throw new InvalidInputError(`${key}: "${label}" is reserved and cannot be used as a label name here`);
    if (typeof value !== 'string') throw new InvalidInputError(`${key}: parameter given more than once`);
    fam.get(family)![label] = value;
  }
  if (unknown.length > 0) {
    throw new UnknownParameterError(unknown, [...shapeKeys, ...families.map((f) => `${f}[<label>]`)]);
  }
  const result = spec.schema.safeParse(plain);
  if (!result.success) {
    const message = result.error.issues
      .map((i) => `${i.path.map(String).join('.') || 'query'}: ${i.message}`)
      .join('; ');
    throw new InvalidInputError(message);
  }
  return { values: result.data, families: fam };
}

/** Formats Unix ms as RFC3339 (UTC, millisecond precision); null → Go's zero time as Prometheus does. */
export function rfc3339(ms: number | null): string {
  return ms === null ? '0001-01-01T00:00:00Z' : new Date(ms).toISOString();
}
