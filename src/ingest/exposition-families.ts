/**
 * Metric families of a text exposition (exposition.ts): the `# HELP` and `# TYPE` lines, their rules (one of
 * each per family, TYPE before the family's samples, a known type) and which family a sample name belongs to
 * (`_bucket`, `_sum`, `_count`, `_created` of histograms and summaries).
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/#comments-help-text-and-type-information
 */
import { ExpositionParseError } from '../errors.ts';
import { isBlank, isNameChar, isNameStart, unescapeHelp } from './exposition-lexical.ts';

/** Metric family types of the text format (`# TYPE` line). */
export type ExpositionType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** Family types an exposition declared (`# TYPE`), by family name. */
export type FamilyTypes = ReadonlyMap<string, ExpositionType>;

const TYPES: ReadonlySet<string> = new Set<ExpositionType>([
  'counter',
  'gauge',
  'histogram',
  'summary',
  'untyped',
]);

/** What `# TYPE` / `# HELP` said about one metric family. Missing TYPE = `untyped`, missing HELP = ''. */
export interface ExpositionFamily {
  type: ExpositionType;
  help: string;
}

/**
 * The family of sample name `name`: its own, or the histogram/summary whose suffixed sample (`_bucket`, `_sum`,
 * `_count`, `_created`) it is; undefined when `families` has neither.
 */
export function sampleFamily(
  name: string,
  families: Map<string, ExpositionFamily>,
): ExpositionFamily | undefined {
  const direct = families.get(name);
  if (direct) return direct;
  for (let k = 0; k < SUFFIXES.length; k++) {
    const suffix = SUFFIXES[k]!;
    if (name.endsWith(suffix)) {
      const fam = families.get(name.slice(0, -suffix.length));
      if (fam && (fam.type === 'histogram' || (fam.type === 'summary' && suffix !== '_bucket'))) return fam;
    }
  }
  return undefined;
}

/** Sample name suffixes of histograms and summaries (`_bucket` of histograms only). */
const SUFFIXES: readonly string[] = ['_bucket', '_sum', '_count', '_created'];

/** How a dialect names a metadata line's family and type (OpenMetrics counters, exposition.ts' ExpositionDialect). */
export interface MetadataDialect {
  familyName(name: string): string;
  typeName(type: string): string;
}

/**
 * What one `#` line says before the exposition's other lines are considered: its keyword, its metric name as written
 * and its text (a HELP line's unescaped help, a TYPE line's type as written). A pure function of the line's text, so
 * a target's next body with the same line can reuse it (series-text-cache.ts, `matchComment`).
 */
export interface CommentLine {
  /** `HELP`, `TYPE`, or undefined for any other comment (ignored). */
  readonly keyword: 'HELP' | 'TYPE' | undefined;
  /** The name token as written (before a dialect's renaming); '' for other comments. */
  readonly name: string;
  /** HELP: the help text unescaped; TYPE: the rest of the line trimmed; '' for other comments. */
  readonly text: string;
  /**
   * Set by {@link applyComment} on a line kept between bodies (series-text-cache.ts): the family name the line last
   * stood for, checked valid, and for a TYPE line its type and the sample names it governs. A later body whose
   * dialect names the same family reuses them (the same strings: no new name to check, hash or concatenate).
   * Undefined on a line read for one body only (nothing is memoised), null on a kept line not applied yet.
   */
  memo?: CommentMemo | null;
}

/** See {@link CommentLine.memo}. */
export interface CommentMemo {
  readonly family: string;
  readonly type: string;
  readonly names: readonly string[];
}

const OTHER_COMMENT: CommentLine = { keyword: undefined, name: '', text: '' };

/** Reads the `#` line from `start` (after the `#`) to `end` into its parts (no checks: see {@link applyComment}). */
export function readComment(text: string, start: number, end: number): CommentLine {
  let i = start;
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  const ks = i;
  while (i < end && !isBlank(text.charCodeAt(i))) i++;
  const keyword = text.slice(ks, i);
  if (keyword !== 'HELP' && keyword !== 'TYPE') return OTHER_COMMENT; // ordinary comment
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  const ns = i;
  while (i < end && !isBlank(text.charCodeAt(i))) i++;
  const name = text.slice(ns, i);
  // One separating blank, then the rest of the line verbatim (HELP text may contain spaces).
  if (i < end) i++;
  const rest = text.slice(i, end);
  return { keyword, name, text: keyword === 'HELP' ? unescapeHelp(rest) : rest.trim() };
}

/**
 * Applies a read `#` line ({@link readComment}) of line `lineNo` to `families`, `typed` and `helped`: HELP and TYPE
 * lines are checked and recorded, other comments ignored. With `dialect`, the line's name and type are the ones it
 * stands for. `sampleNames` are the sample names seen before the line.
 * @throws ExpositionParseError naming line `lineNo` for a bad name, a second HELP/TYPE, an unknown type or a
 *   TYPE after the family's samples.
 */
export function applyComment(
  line: CommentLine,
  lineNo: number,
  families: Map<string, ExpositionFamily>,
  typed: Set<string>,
  helped: Set<string>,
  sampleNames: Set<string>,
  dialect?: MetadataDialect,
): void {
  const keyword = line.keyword;
  if (keyword === undefined) return;
  let name = dialect ? dialect.familyName(line.name) : line.name;
  const memo = line.memo;
  const known = memo != null && name === memo.family;
  if (known) name = memo.family;
  else checkFamilyName(name, keyword, lineNo);
  let fam = families.get(name);
  if (keyword === 'HELP') {
    if (helped.has(name)) throw new ExpositionParseError(lineNo, `second HELP line for ${name}`);
    helped.add(name);
    if (!fam) {
      fam = { type: 'untyped', help: '' };
      families.set(name, fam);
    }
    fam.help = line.text;
    if (!known && memo !== undefined) line.memo = { family: name, type: '', names: [] };
    return;
  }
  const type = dialect ? dialect.typeName(line.text) : line.text;
  if (type.length === 0) throw new ExpositionParseError(lineNo, `# TYPE ${name} without a type`);
  if (!TYPES.has(type))
    throw new ExpositionParseError(lineNo, `unknown metric type ${JSON.stringify(type)} for ${name}`);
  if (typed.has(name)) throw new ExpositionParseError(lineNo, `second TYPE line for ${name}`);
  const names =
    known && type === memo.type
      ? memo.names
      : type === 'histogram'
        ? [name, name + '_bucket', name + '_sum', name + '_count']
        : type === 'summary'
          ? [name, name + '_sum', name + '_count']
          : [name];
  for (let k = 0; k < names.length; k++) {
    if (sampleNames.has(names[k]!))
      throw new ExpositionParseError(lineNo, `TYPE line for ${name} after its samples`);
  }
  typed.add(name);
  if (!fam) {
    fam = { type: type as ExpositionType, help: '' };
    families.set(name, fam);
  } else fam.type = type as ExpositionType;
  if (memo !== undefined && (!known || type !== memo.type)) line.memo = { family: name, type, names };
}

/** @throws ExpositionParseError naming line `lineNo` when `name` (of a `# keyword` line) is not a metric name. */
function checkFamilyName(name: string, keyword: string, lineNo: number): void {
  if (name.length === 0) throw new ExpositionParseError(lineNo, `# ${keyword} without a metric name`);
  if (!isNameStart(name.charCodeAt(0)))
    throw new ExpositionParseError(lineNo, `invalid metric name ${JSON.stringify(name)} in # ${keyword}`);
  for (let j = 1; j < name.length; j++) {
    if (!isNameChar(name.charCodeAt(j)))
      throw new ExpositionParseError(lineNo, `invalid metric name ${JSON.stringify(name)} in # ${keyword}`);
  }
}
