import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VariableOptions } from '../../../../src/contract/dashboards.ts';
import {
  ALL_VALUE,
  apiQueryOfVars,
  chosenValues,
  effectiveVars,
  paramsOfVars,
  varsOfParams,
} from '../../../../web/src/dashboards/variables.ts';

describe('console dashboard variables', () => {
  it('reads var-<name> route parameters, leaving out empty ones and other parameters', () => {
    const p = new URLSearchParams('id=x&var-node=n1,n2&var-region=&var-=z&range=1h&var-cluster=c1');
    assert.deepEqual(varsOfParams(p), { node: ['n1', 'n2'], cluster: ['c1'] });
  });

  it('writes route parameters that read back the same', () => {
    const vars = { node: ['n1', 'n2'], region: [] as string[], cluster: ['c1'] };
    const params = paramsOfVars(vars);
    assert.deepEqual(params, { 'var-node': 'n1,n2', 'var-cluster': 'c1' });
    assert.deepEqual(varsOfParams(new URLSearchParams(params)), { node: ['n1', 'n2'], cluster: ['c1'] });
  });

  it('builds the API query, encoding values as data', () => {
    assert.equal(apiQueryOfVars({}), '');
    assert.equal(apiQueryOfVars({ region: [] }), '');
    const q = apiQueryOfVars({ node: ['n1', 'a&b=c'], cluster: ['c1'] });
    assert.equal(q, '?var%5Bcluster%5D=c1&var%5Bnode%5D=n1%2Ca%26b%3Dc');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(q.slice(1))), {
      'var[cluster]': 'c1',
      'var[node]': 'n1,a&b=c',
    });
  });
});

describe('effective dashboard variables', () => {
  const opt = (name: string, over: Partial<VariableOptions> = {}): VariableOptions => ({
    name,
    label: name,
    kind: 'label_values',
    multi: false,
    includeAll: false,
    options: ['a', 'b'],
    truncated: false,
    current: [],
    ...over,
  });

  it('a single-value variable without All and without a selection takes its first choice', () => {
    assert.deepEqual(effectiveVars({}, [opt('node')]), { node: ['a'] });
    assert.deepEqual(effectiveVars({ node: ['b'] }, [opt('node')]), { node: ['b'] });
  });

  it('leaves All, multi-value, text and empty variables unselected', () => {
    const vars = [
      opt('all', { includeAll: true }),
      opt('multi', { multi: true }),
      opt('text', { kind: 'textbox', options: [] }),
      opt('none', { options: [] }),
    ];
    assert.deepEqual(effectiveVars({}, vars), {});
  });

  it('a variable not in the URL opens with its saved selection; a picked value or All overrides it', () => {
    const vars = [
      opt('node', { multi: true, includeAll: true, current: ['b'] }),
      opt('step', { kind: 'interval', options: ['1m', '5m'], current: ['5m'] }),
      opt('text', { kind: 'textbox', options: [], current: ['x'] }),
    ];
    assert.deepEqual(effectiveVars({}, vars), { node: ['b'], step: ['5m'] });
    assert.deepEqual(effectiveVars({ node: ['a'] }, vars), { node: ['a'], step: ['5m'] });
    const all = effectiveVars({ node: [ALL_VALUE] }, vars);
    assert.deepEqual(all, { node: [ALL_VALUE], step: ['5m'] });
    assert.deepEqual(chosenValues(all, 'node'), [], 'All is no value chosen in the picker');
    assert.deepEqual(varsOfParams(new URLSearchParams(paramsOfVars(all))), all, 'All survives the URL');
  });
});
