/**
 * The `| line_format` template language: a safe subset of Go's text/template with field references only —
 * literal text and actions `{{.name}}` (spaces allowed inside the braces), where `name` is a label of the entry
 * at that point of the pipeline (indexed labels plus labels parsed by `| json` / `| logfmt`) or `__line__`, the
 * current line. A missing label writes the empty string (as Loki). Anything else inside `{{ }}` (pipes,
 * functions, conditionals, variables, trim markers) is refused with the character position, so no template can
 * run code or loop.
 * @see https://grafana.com/docs/loki/latest/query/log_queries/#line-format-expression
 * @see https://pkg.go.dev/text/template (action syntax)
 */

/** One piece of a parsed template. */
export type TemplatePart =
  { readonly kind: 'text'; readonly text: string } | { readonly kind: 'field'; readonly name: string };

/** A template that is not in the supported subset; `offset` is the 0-based character where the problem is. */
export class LineTemplateError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'LineTemplateError';
    this.offset = offset;
  }
}

/** Characters of a template at most. */
export const MAX_TEMPLATE_LENGTH = 4096;
/** Actions per template at most. */
export const MAX_TEMPLATE_FIELDS = 64;

const FIELD = /^\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*$/;

/**
 * Parses a template into literal text and field references.
 * @throws LineTemplateError on an unclosed `{{`, an action other than a field reference, or a template over
 *   the size limits
 */
export function parseLineTemplate(template: string): TemplatePart[] {
  if (template.length > MAX_TEMPLATE_LENGTH)
    throw new LineTemplateError(
      `template longer than ${MAX_TEMPLATE_LENGTH} characters`,
      MAX_TEMPLATE_LENGTH,
    );
  const parts: TemplatePart[] = [];
  let fields = 0;
  let at = 0;
  for (;;) {
    const open = template.indexOf('{{', at);
    if (open < 0) break;
    const close = template.indexOf('}}', open + 2);
    if (close < 0)
      throw new LineTemplateError('unclosed action "{{" (a field reference is written {{.label}})', open);
    const body = template.slice(open + 2, close);
    const m = FIELD.exec(body);
    if (m === null) {
      const shown = body.length > 40 ? `${body.slice(0, 40)}…` : body;
      throw new LineTemplateError(
        `unsupported action {{${shown}}}: only field references such as {{.node_id}} are supported`,
        open,
      );
    }
    if (++fields > MAX_TEMPLATE_FIELDS)
      throw new LineTemplateError(`more than ${MAX_TEMPLATE_FIELDS} field references`, open);
    if (open > at) parts.push({ kind: 'text', text: template.slice(at, open) });
    parts.push({ kind: 'field', name: m[1]! });
    at = close + 2;
  }
  if (at < template.length) parts.push({ kind: 'text', text: template.slice(at) });
  return parts;
}

/** The line a parsed template writes for an entry's labels and current line. */
export function renderLineTemplate(
  parts: readonly TemplatePart[],
  labels: Readonly<Record<string, string>>,
  line: string,
): string {
  let out = '';
  for (const p of parts) {
    if (p.kind === 'text') out += p.text;
    else if (p.name === '__line__') out += line;
    else out += Object.hasOwn(labels, p.name) ? labels[p.name]! : '';
  }
  return out;
}
