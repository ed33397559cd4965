/** `storage.layout` and `storage.walDir` in the monitor configuration. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMonitorConfig } from '../../../src/config.ts';
import { ConfigError } from '../../../src/errors.ts';

describe('storage layout configuration', () => {
  it('accepts the chunks layout with a WAL directory on both backends', () => {
    const s = parseMonitorConfig({ storage: { type: 'sqlite', path: './x.db', layout: 'chunks', walDir: './x.wal', retention: '48h' } }).storage;
    assert.deepEqual(s, { type: 'sqlite', path: './x.db', layout: 'chunks', walDir: './x.wal', retention: 48 * 3_600_000 });
    const p = parseMonitorConfig({ storage: { type: 'postgres', url: 'postgres://u:p@127.0.0.1/db', layout: 'chunks' } }).storage;
    assert.equal(p.layout, 'chunks');
    assert.equal(p.type === 'postgres' ? p.walDir : '', './data/dwcp-monitor.wal');
  });

  it('defaults to a layout when none is named, and rejects an unknown one naming the field', () => {
    const d = parseMonitorConfig({}).storage;
    assert.ok(d.layout === 'rows' || d.layout === 'chunks');
    assert.equal(parseMonitorConfig({ storage: { type: 'postgres', url: 'postgres://x' } }).storage.layout, 'rows');
    assert.throws(() => parseMonitorConfig({ storage: { type: 'sqlite', layout: 'columns' } }), (e: unknown) => e instanceof ConfigError && /storage\.layout/.test(e.message));
  });
});
