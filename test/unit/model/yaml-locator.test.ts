import assert from 'node:assert/strict';
import { test } from 'node:test';
import { positionText, yamlLocator } from '../../../src/model/yaml-locator.ts';

const TEXT = [
  'listen:',
  '  port: 90',
  'slo:',
  '  definitions:',
  '    - name: a',
  '      objective: 2',
  '      window: 30d',
  '',
].join('\n');

test('yamlLocator: the 1-based line and column of a field, or of its nearest existing ancestor', () => {
  const at = yamlLocator(TEXT);
  assert.deepEqual(at(['listen', 'port']), { line: 2, col: 9 });
  assert.deepEqual(at(['slo', 'definitions', 0, 'objective']), { line: 6, col: 18 });
  // A missing key points at the mapping it is missing from.
  assert.deepEqual(at(['slo', 'definitions', 0, 'sli']), { line: 5, col: 7 });
  assert.deepEqual(at([]), { line: 1, col: 1 });
  assert.equal(positionText(at(['listen', 'port'])), ' (line 2, column 9)');
});

test('yamlLocator: with at "key", the key ending the path (a mapping value starts on a later line)', () => {
  const at = yamlLocator(TEXT);
  assert.deepEqual(at(['slo'], 'key'), { line: 3, col: 1 });
  assert.deepEqual(at(['slo'], 'value'), { line: 4, col: 3 });
  assert.deepEqual(at(['listen', 'port'], 'key'), { line: 2, col: 3 });
  // no such key: the nearest existing ancestor, as for a value
  assert.deepEqual(at(['listen', 'nope'], 'key'), at(['listen', 'nope']));
});

test('yamlLocator: text that is not YAML locates nothing', () => {
  const at = yamlLocator('a: [1, 2\nb: }');
  assert.equal(at(['a']), undefined);
  assert.equal(positionText(undefined), '');
});
