/**
 * The SLOs the monitor evaluates, from its configuration's `slo` section: a YAML file of definitions
 * (`slo.file`), an inline list (`slo.definitions`), or — with neither — the built-in templates. Reads the file;
 * validation is src/analysis/slo/definition.ts (catalog-checked metrics, durations, objectives), with the line and
 * column of every bad field.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseSloList, parseSloYaml, SLO_TEMPLATES, type Slo } from '../analysis/slo/definition.ts';
import { ConfigError } from '../errors.ts';
import type { YamlLocate } from '../model/yaml-locator.ts';

/** The `slo` section's definition fields. */
export interface SloSource {
  readonly file?: string | undefined;
  readonly definitions?: readonly unknown[] | undefined;
}

/** Where the section came from, for relative paths and error positions. */
export interface SloSourceContext {
  /** Directory a relative `file` is resolved against (the configuration file's directory). */
  readonly baseDir: string;
  /** Name of the configuration in messages (its path), default `configuration`. */
  readonly configName?: string;
  /** Positions of the configuration's fields (for inline definitions). */
  readonly locate?: YamlLocate;
}

/**
 * The SLOs of `source` (see the module comment).
 * @throws ConfigError when both or neither-but-invalid are given, the file cannot be read, or a definition is
 *   invalid; messages name the file or `slo.definitions[i]...` with line and column.
 */
export function resolveSloDefinitions(source: SloSource, ctx: SloSourceContext): readonly Slo[] {
  if (source.file !== undefined && source.definitions !== undefined) {
    throw new ConfigError(
      `${ctx.configName ?? 'configuration'}: slo: give either file or definitions, not both`,
    );
  }
  if (source.file !== undefined) {
    const path = isAbsolute(source.file) ? source.file : resolve(ctx.baseDir, source.file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read SLO file ${path} (slo.file): ${(e as Error).message}`, { cause: e });
    }
    return parseSloYaml(text, path);
  }
  if (source.definitions !== undefined) {
    return parseSloList(
      source.definitions,
      ctx.configName ?? 'configuration',
      ['slo', 'definitions'],
      ctx.locate,
    );
  }
  return SLO_TEMPLATES;
}
