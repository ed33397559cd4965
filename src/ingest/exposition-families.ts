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

/** The family `name` belongs to: itself, or the histogram/summary whose suffixed sample it is. */
export function familyOf(
  name: string,
  families: Map<string, ExpositionFamily>,
): { base: string; fam: ExpositionFamily | undefined } {
  const direct = families.get(name);
  if (direct) return { base: name, fam: direct };
  for (const suffix of ['_bucket', '_sum', '_count', '_created']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const fam = families.get(base);
      if (fam && (fam.type === 'histogram' || fam.type === 'summary')) {
        if (suffix === '_bucket' && fam.type !== 'histogram') continue;
        return { base, fam };
      }
    }
  }
  return { base: name, fam: undefined };
}

/** How a dialect names a metadata line's family and type (OpenMetrics counters, exposition.ts' ExpositionDialect). */
export interface MetadataDialect {
  familyName(name: string): string;
  typeName(type: string): string;
}

/**
 * Applies one `#` line (from after the `#` to the line end) to `families`: HELP and TYPE lines are checked and
 * recorded, other comments ignored. With `dialect`, the line's name and type are the ones it stands for.
 * @throws ExpositionParseError naming line `lineNo` for a bad name, a second HELP/TYPE, an unknown type or a
 *   TYPE after the family's samples.
 */
export function parseComment(
  text: string,
  start: number,
  end: number,
  lineNo: number,
  families: Map<string, ExpositionFamily>,
  typed: Set<string>,
  helped: Set<string>,
  sampleNames: Set<string>,
  dialect?: MetadataDialect,
): void {
  let i = start;
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  const ks = i;
  while (i < end && !isBlank(text.charCodeAt(i))) i++;
  const keyword = text.slice(ks, i);
  if (keyword !== 'HELP' && keyword !== 'TYPE') return; // ordinary comment
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  const ns = i;
  while (i < end && !isBlank(text.charCodeAt(i))) i++;
  const name = dialect ? dialect.familyName(text.slice(ns, i)) : text.slice(ns, i);
  if (name.length === 0) throw new ExpositionParseError(lineNo, `# ${keyword} without a metric name`);
  if (!isNameStart(name.charCodeAt(0)))
    throw new ExpositionParseError(lineNo, `invalid metric name ${JSON.stringify(name)} in # ${keyword}`);
  for (let j = 1; j < name.length; j++) {
    if (!isNameChar(name.charCodeAt(j)))
      throw new ExpositionParseError(lineNo, `invalid metric name ${JSON.stringify(name)} in # ${keyword}`);
  }
  // One separating blank, then the rest of the line verbatim (HELP text may contain spaces).
  if (i < end) i++;
  const rest = text.slice(i, end);
  let fam = families.get(name);
  if (keyword === 'HELP') {
    if (helped.has(name)) throw new ExpositionParseError(lineNo, `second HELP line for ${name}`);
    helped.add(name);
    if (!fam) {
      fam = { type: 'untyped', help: '' };
      families.set(name, fam);
    }
    fam.help = unescapeHelp(rest);
    return;
  }
  const type = dialect ? dialect.typeName(rest.trim()) : rest.trim();
  if (type.length === 0) throw new ExpositionParseError(lineNo, `# TYPE ${name} without a type`);
  if (!TYPES.has(type))
    throw new ExpositionParseError(lineNo, `unknown metric type ${JSON.stringify(type)} for ${name}`);
  if (typed.has(name)) throw new ExpositionParseError(lineNo, `second TYPE line for ${name}`);
  const names =
    type === 'histogram'
      ? [name, name + '_bucket', name + '_sum', name + '_count']
      : type === 'summary'
        ? [name, name + '_sum', name + '_count']
        : [name];
  for (const n of names) {
    if (sampleNames.has(n)) throw new ExpositionParseError(lineNo, `TYPE line for ${name} after its samples`);
  }
  typed.add(name);
  if (!fam) {
    fam = { type: type as ExpositionType, help: '' };
    families.set(name, fam);
  } else fam.type = type as ExpositionType;
}
