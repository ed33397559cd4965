/**
 * Reads rule files from disk and parses them all (`parse.ts`). All or nothing: one bad file fails the whole
 * load with every problem of every file, so a reload never half-replaces the running rules.
 */
import { readFileSync } from 'node:fs';
import { FileValidationError, type FileProblem } from '../../errors.ts';
import { parseRuleFile, type ParseRuleOptions } from './parse.ts';
import type { RuleGroup, RuleSet } from './types.ts';

/**
 * Loads `files` in order.
 * @throws FileValidationError with the problems of every file (unreadable files, YAML errors, invalid rules,
 *   group names repeated across files)
 */
export function loadRuleFiles(files: readonly string[], opts: ParseRuleOptions): RuleSet {
  const problems: FileProblem[] = [];
  const groups: RuleGroup[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      problems.push({
        file,
        line: null,
        column: null,
        path: '',
        message: `cannot read the file: ${(e as Error).message}`,
      });
      continue;
    }
    try {
      groups.push(...parseRuleFile(text, file, opts));
    } catch (e) {
      if (e instanceof FileValidationError) problems.push(...e.problems);
      else throw e;
    }
  }
  const seen = new Map<string, string>();
  for (const g of groups) {
    const other = seen.get(g.name);
    if (other !== undefined) {
      problems.push({
        file: g.file,
        line: null,
        column: null,
        path: 'groups',
        message: `group "${g.name}" is also defined in ${other}`,
      });
    }
    seen.set(g.name, g.file);
  }
  if (problems.length > 0)
    throw new FileValidationError(`invalid rule files (the running rules are kept)`, problems);
  return { files: [...files], groups };
}
