/**
 * Parsing and checking of command-line flag values, shared by the commands. Every function throws
 * `InvalidInputError` with a one-line message that names the flag, the accepted range and the value given, e.g.
 * `--port must be an integer 0-65535, got 'abc'`.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidInputError } from '../errors.ts';

/**
 * A whole number in lo..hi (decimal digits, optional minus sign).
 * @throws InvalidInputError otherwise.
 */
export function parseInteger(flag: string, text: string, lo: number, hi: number): number {
  const v = Number(text.trim());
  if (!/^-?\d+$/.test(text.trim()) || v < lo || v > hi)
    throw new InvalidInputError(`${flag} must be an integer ${lo}-${hi}, got '${text}'`);
  return v === 0 ? 0 : v; // '-0' -> 0
}

/**
 * A TCP port 0-65535 (0 = any free port).
 * @throws InvalidInputError otherwise.
 */
export function parsePort(flag: string, text: string): number {
  return parseInteger(flag, text, 0, 65535);
}

/**
 * A finite number in lo..hi.
 * @throws InvalidInputError otherwise.
 */
export function parseNumber(flag: string, text: string, lo: number, hi: number): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < lo || v > hi)
    throw new InvalidInputError(`${flag} must be a number ${lo}-${hi}, got '${text}'`);
  return v;
}

/**
 * A non-empty, comma-separated list (items trimmed, empty items dropped).
 * @throws InvalidInputError when no item is left.
 */
export function parseList(flag: string, text: string, example: string): string[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0)
    throw new InvalidInputError(`${flag} must list at least one value, e.g. ${example}`);
  return items;
}

/**
 * An absolute http(s) URL.
 * @throws InvalidInputError otherwise.
 */
export function parseHttpUrl(flag: string, text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new InvalidInputError(
      `${flag} must be an http(s) URL such as http://127.0.0.1:9100/metrics, got '${text}'`,
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new InvalidInputError(`${flag} must be an http(s) URL, got '${text}'`);
  return text;
}

/** The file type at `p`, or undefined when nothing exists there. */
function kindAt(p: string): 'directory' | 'other' | undefined {
  try {
    return statSync(p).isDirectory() ? 'directory' : 'other';
  } catch {
    return undefined;
  }
}

/**
 * Checks that `dir` is, or can be created as, a directory: it is a directory already, or its nearest existing
 * ancestor is one. Returns `dir`.
 * @throws InvalidInputError naming the path that is in the way (e.g. a regular file where a directory must go).
 */
export function checkOutputDir(flag: string, dir: string): string {
  if (dir.trim() === '') throw new InvalidInputError(`${flag} must name a directory`);
  let p = resolve(dir);
  for (;;) {
    const kind = kindAt(p);
    if (kind === 'directory') return dir;
    if (kind === 'other')
      throw new InvalidInputError(
        p === resolve(dir)
          ? `${flag} '${dir}' is a file, not a directory`
          : `${flag} '${dir}' cannot be created: '${p}' is a file, not a directory`,
      );
    const parent = dirname(p);
    if (parent === p) return dir;
    p = parent;
  }
}

/**
 * Checks that a file can be written at `file`: its directory exists and `file` is not a directory. Returns
 * `file`.
 * @throws InvalidInputError naming the flag and the problem.
 */
export function checkOutputFile(flag: string, file: string): string {
  if (file.trim() === '') throw new InvalidInputError(`${flag} must name a file`);
  if (kindAt(file) === 'directory')
    throw new InvalidInputError(`${flag} '${file}' is a directory, not a file`);
  const dir = dirname(resolve(file));
  const kind = kindAt(dir);
  if (kind === undefined) throw new InvalidInputError(`${flag} '${file}': directory '${dir}' does not exist`);
  if (kind === 'other') throw new InvalidInputError(`${flag} '${file}': '${dir}' is a file, not a directory`);
  return file;
}
