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

  it('defaults to the chunks layout with 48 h of raw samples (rows: 6 h), and rejects an unknown layout naming the field', () => {
    const d = parseMonitorConfig({}).storage;
    assert.deepEqual(d, { type: 'sqlite', path: './data/dwcp-monitor.db', retention: 48 * 3_600_000, layout: 'chunks' });
    assert.equal(parseMonitorConfig({ storage: { type: 'sqlite' } }).storage.retention, 48 * 3_600_000);
    assert.equal(parseMonitorConfig({ storage: { type: 'sqlite', layout: 'rows' } }).storage.retention, 6 * 3_600_000);
    assert.equal(parseMonitorConfig({ storage: { type: 'sqlite', retention: '2h' } }).storage.retention, 2 * 3_600_000);
    assert.equal(parseMonitorConfig({ storage: { type: 'postgres', url: 'postgres://x' } }).storage.layout, 'rows');
    assert.throws(() => parseMonitorConfig({ storage: { type: 'sqlite', layout: 'columns' } }), (e: unknown) => e instanceof ConfigError && /storage\.layout/.test(e.message));
  });
});
