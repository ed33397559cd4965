// A node:test reporter that prints nothing while the run goes and, at its end, every failed test again with its
// file, line and the first lines of its error — so a failure stays readable when only the tail of a long log is kept.
// Used beside the TAP reporter by scripts/run-tests.mjs.

/** Lines of an error message kept per failure. */
const MAX_ERROR_LINES = 12;

/** @param {unknown} error */
function errorText(error) {
  if (error === null || error === undefined) return '(no error given)';
  const cause = /** @type {{ cause?: unknown }} */ (error).cause;
  const inner = cause instanceof Error ? cause : error;
  const text = inner instanceof Error ? (inner.stack ?? `${inner.name}: ${inner.message}`) : String(inner);
  return text.split('\n').slice(0, MAX_ERROR_LINES).join('\n');
}

/** @param {AsyncIterable<{ type: string, data: any }>} source */
export default async function* failuresReporter(source) {
  /** @type {string[]} */
  const failures = [];
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const { name, file, line, details } = event.data;
    // A suite fails when one of its tests does; the test itself is listed already.
    if (details?.type === 'suite' && details?.error?.failureType === 'subtestsFailed') continue;
    const where = file ? `${file}${line ? `:${line}` : ''}` : '(unknown file)';
    const indented = errorText(details?.error)
      .split('\n')
      .map((l) => `#     ${l}`)
      .join('\n');
    failures.push(`# ✖ ${name}\n#   at ${where}\n${indented}`);
  }
  if (failures.length === 0) {
    yield '# failing tests: none\n';
    return;
  }
  yield `# failing tests (${failures.length}):\n${failures.join('\n')}\n`;
}
