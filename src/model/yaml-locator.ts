/**
 * Where a field of a YAML text is: maps a path of keys and indexes (as zod reports it for a bad field) to the
 * line and column of the YAML node, so configuration errors can point into the file. Pure: parses text.
 *
 * @see https://eemeli.org/yaml/#line-counter (the `yaml` package's LineCounter)
 */
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';

/** A 1-based position in a text. */
export interface TextPosition {
  readonly line: number;
  readonly col: number;
}

/**
 * Position of the node at `path` (or of its nearest ancestor that exists, e.g. the mapping a required key is
 * missing from), or undefined when the text has no such node (e.g. it is not YAML). With `at` `'key'`, the
 * position of the mapping key that ends `path` when there is one (an unknown key is reported there).
 */
export type YamlLocate = (path: readonly PropertyKey[], at?: 'value' | 'key') => TextPosition | undefined;

interface Ranged {
  readonly range?: readonly [number, number, number] | null;
}

/** A locator over `text` (parsed once; YAML errors make every lookup undefined). */
export function yamlLocator(text: string): YamlLocate {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false });
  if (doc.errors.length > 0) return () => undefined;
  return (path, at = 'value') => {
    if (at === 'key' && path.length > 0) {
      // the key itself (an unknown key's value may start on a later line)
      const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
      const last = path[path.length - 1];
      const pair = isMap(parent)
        ? parent.items.find((p) => isScalar(p.key) && p.key.value === last)
        : undefined;
      const start = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
      if (typeof start === 'number') return lineCounter.linePos(start);
    }
    for (let n = path.length; n >= 0; n--) {
      const keys = path.slice(0, n).map((k) => (typeof k === 'symbol' ? String(k) : k));
      const node = (n === 0 ? doc.contents : doc.getIn(keys, true)) as Ranged | null | undefined;
      const start = node?.range?.[0];
      if (typeof start === 'number') return lineCounter.linePos(start);
    }
    return undefined;
  };
}

/** ` (line 3, column 7)` for a known position, '' otherwise. */
export function positionText(p: TextPosition | undefined): string {
  return p === undefined ? '' : ` (line ${p.line}, column ${p.col})`;
}
