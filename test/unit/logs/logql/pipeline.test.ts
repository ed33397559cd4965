/**
 * The `| logfmt` stage of the LogQL pipeline (src/logs/logql/pipeline.ts): pairs become labels that later
 * filters see; bare keys, empty values, odd keys and broken quoting; fast-check — any line passes the stage
 * without throwing and leaves only string labels with sanitised names.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { LogQuery } from '../../../../src/logs/logql/ast.ts';
import { parseLogql } from '../../../../src/logs/logql/parser.ts';
import { compilePipeline, prefilterWords, requiredSubstrings } from '../../../../src/logs/logql/pipeline.ts';
import type { LogRecord } from '../../../../src/logs/record.ts';

function rec(body: string): LogRecord {
  return {
    timeUs: 1,
    level: 'info',
    service: 'svc',
    nodeId: 'node-1',
    region: '',
    component: '',
    traceId: '',
    spanId: '',
    body,
    attributes: {},
  };
}

const run = (q: string, body: string) => compilePipeline(parseLogql(q) as LogQuery)(rec(body));

describe('| logfmt', () => {
  it('adds the pairs as labels beside the stream labels and keeps the line', () => {
    assert.deepEqual(
      run('{service="svc"} | logfmt', 'level=error msg="transfer timed out" attempt=3 vm.id=vm-7'),
      {
        labels: {
          service: 'svc',
          node_id: 'node-1',
          level: 'error',
          msg: 'transfer timed out',
          attempt: '3',
          vm_id: 'vm-7',
        },
        line: 'level=error msg="transfer timed out" attempt=3 vm.id=vm-7',
      },
    );
  });

  it('feeds later label filters and comparisons', () => {
    assert.notEqual(
      run(
        '{service="svc"} | logfmt | attempt >= 3 | msg=~".*timed out"',
        'attempt=3 msg="transfer timed out"',
      ),
      undefined,
    );
    assert.equal(run('{service="svc"} | logfmt | attempt >= 3', 'attempt=2'), undefined);
    assert.equal(run('{service="svc"} | logfmt | attempt >= 3', 'no pairs here'), undefined);
  });

  it('bare keys, empty values, escaped quotes, empty and __proto__ keys', () => {
    const out = run('{service="svc"} | logfmt', 'flag empty= q="a\\"b" __proto__=1 ok=true');
    assert.deepEqual(out?.labels, {
      service: 'svc',
      node_id: 'node-1',
      level: 'info',
      flag: 'true',
      empty: '',
      q: 'a"b',
      ok: 'true',
    });
    assert.equal(run('{service="svc"} | logfmt', '=x')?.labels[''], undefined);
    assert.equal(Object.getPrototypeOf(out?.labels), Object.prototype);
  });

  it('keeps at most 64 parsed labels from one line', () => {
    const line = Array.from({ length: 100 }, (_, i) => `k${i}=${i}`).join(' ');
    assert.equal(Object.keys(run('{service="svc"} | logfmt', line)!.labels).length, 3 + 64);
  });

  it('fuzz: any line passes without throwing and gives string labels with sanitised names', () => {
    const piece = fc.constantFrom(
      '=',
      '"',
      '\\',
      ' ',
      'a',
      'key',
      '1',
      '.',
      '\u00e9',
      '__proto__',
      'constructor',
      '\t',
      '\n',
      'x=y',
    );
    const lines = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.array(piece, { maxLength: 40 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(lines, (line) => {
        const out = run('{service="svc"} | logfmt', line);
        assert.ok(out !== undefined);
        for (const [k, v] of Object.entries(out.labels)) {
          assert.match(k, /^[a-zA-Z0-9_]+$/);
          assert.equal(typeof v, 'string');
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('| line_format', () => {
  it('writes the template with the labels so far; a missing label is empty; __line__ is the current line', () => {
    assert.deepEqual(
      run(
        '{service="svc"} | json | line_format "{{.node_id}} [{{ .level }}] {{.msg}}{{.missing}} <{{.__line__}}>"',
        '{"msg":"peer lost"}',
      ),
      {
        labels: { service: 'svc', node_id: 'node-1', level: 'info', msg: 'peer lost' },
        line: 'node-1 [info] peer lost <{"msg":"peer lost"}>',
      },
    );
    assert.equal(
      run('{service="svc"} | line_format "plain text, }} kept"', 'x')?.line,
      'plain text, }} kept',
    );
  });

  it('later stages see the formatted line; earlier filters the stored one', () => {
    assert.equal(
      run('{service="svc"} |= "stored" | line_format "{{.node_id}}" |= "node-1"', 'stored line')?.line,
      'node-1',
    );
    assert.equal(run('{service="svc"} | line_format "{{.node_id}}" |= "stored"', 'stored line'), undefined);
    assert.equal(
      run('{service="svc"} | logfmt | line_format "{{.msg}}" | json | a == 1', 'msg="{\\"a\\":1}"')?.line,
      '{"a":1}',
    );
  });

  it('template text is never evaluated: label values with braces are written as they are', () => {
    assert.equal(
      run('{service="svc"} | logfmt | line_format "{{.v}}"', 'v="{{.node_id}}"')?.line,
      '{{.node_id}}',
    );
  });
});

describe('requiredSubstrings and prefilterWords', () => {
  it('take the |= needles before the first line_format only', () => {
    const q = parseLogql(
      '{a="b"} |= " timed out " != "x" |= "" | line_format "{{.a}}" |= "after"',
    ) as LogQuery;
    assert.deepEqual(requiredSubstrings(q), [' timed out ']);
    assert.deepEqual(prefilterWords(q), ['timed', 'out']);
  });
});
