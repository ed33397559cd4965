/** The `storage` section of the monitor configuration: `layout` and `walDir` of the SQL stores, and `type: victoriametrics`. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadMonitorConfig, parseMonitorConfig, sqlLocation } from '../../../src/config.ts';
import { ConfigError } from '../../../src/errors.ts';

describe('storage layout configuration', () => {
  it('accepts the chunks layout with a WAL directory on both backends', () => {
    const s = parseMonitorConfig({
      storage: { type: 'sqlite', path: './x.db', layout: 'chunks', walDir: './x.wal', retention: '48h' },
    }).storage;
    assert.deepEqual(s, {
      type: 'sqlite',
      path: './x.db',
      layout: 'chunks',
      walDir: './x.wal',
      retention: 48 * 3_600_000,
    });
    const p = parseMonitorConfig({
      storage: { type: 'postgres', url: 'postgres://u:p@127.0.0.1/db', layout: 'chunks' },
    }).storage;
    assert.equal(p.type === 'postgres' ? p.layout : '', 'chunks');
    assert.equal(p.type === 'postgres' ? p.walDir : '', './data/dwcp-monitor.wal');
  });

  it('defaults to the chunks layout with 48 h of raw samples (rows: 6 h), and rejects an unknown layout naming the field', () => {
    const d = parseMonitorConfig({}).storage;
    assert.deepEqual(d, {
      type: 'sqlite',
      path: './data/dwcp-monitor.db',
      retention: 48 * 3_600_000,
      layout: 'chunks',
    });
    assert.equal(parseMonitorConfig({ storage: { type: 'sqlite' } }).storage.retention, 48 * 3_600_000);
    assert.equal(
      parseMonitorConfig({ storage: { type: 'sqlite', layout: 'rows' } }).storage.retention,
      6 * 3_600_000,
    );
    assert.equal(
      parseMonitorConfig({ storage: { type: 'sqlite', retention: '2h' } }).storage.retention,
      2 * 3_600_000,
    );
    const pg = parseMonitorConfig({ storage: { type: 'postgres', url: 'postgres://x' } }).storage;
    // PostgreSQL defaults to the chunks layout too, so its rollups cover a 30-day SLO window.
    assert.equal(pg.type === 'postgres' ? pg.layout : '', 'chunks');
    assert.equal(pg.type === 'postgres' ? pg.retention : 0, 48 * 3_600_000);
    assert.throws(
      () => parseMonitorConfig({ storage: { type: 'sqlite', layout: 'columns' } }),
      (e: unknown) => e instanceof ConfigError && /storage\.layout/.test(e.message),
    );
  });

  it('victoriametrics: write and read URLs, retention, queue and the state database, with defaults', () => {
    const d = parseMonitorConfig({ storage: { type: 'victoriametrics' } });
    assert.deepEqual(d.storage, {
      type: 'victoriametrics',
      writeUrl: 'http://127.0.0.1:8428/api/v1/write',
      readUrl: 'http://127.0.0.1:8428',
      retention: 31 * 86_400_000,
      timeout: 10_000,
      queue: {
        capacity: 100_000,
        maxSamplesPerSend: 5000,
        batchDeadline: 1000,
        minBackoff: 30,
        maxBackoff: 5000,
      },
      state: { type: 'sqlite', path: './data/dwcp-monitor.db' },
      externalLabels: {},
    });
    assert.deepEqual(
      sqlLocation(d.storage),
      { type: 'sqlite', path: './data/dwcp-monitor.db' },
      "the monitor's tables go to the state database",
    );
    const cluster = parseMonitorConfig({
      storage: {
        type: 'victoriametrics',
        writeUrl: 'http://vminsert:8480/insert/0/prometheus/api/v1/write',
        readUrl: 'http://vmselect:8481/select/0/prometheus',
        retention: '90d',
        queue: { capacity: 1000, minBackoff: '100ms', maxBackoff: '10s' },
        state: { type: 'postgres', url: 'postgres://dwcp@db/dwcp' },
      },
    }).storage;
    assert.equal(cluster.retention, 90 * 86_400_000);
    assert.deepEqual(sqlLocation(cluster), { type: 'postgres', url: 'postgres://dwcp@db/dwcp' });
    const bad = (storage: unknown, field: RegExp) =>
      assert.throws(
        () => parseMonitorConfig({ storage }),
        (e: unknown) => e instanceof ConfigError && field.test(e.message),
      );
    bad({ type: 'victoriametrics', writeUrl: 'http://u:secret@vm:8428/api/v1/write' }, /storage\.writeUrl/);
    bad(
      { type: 'victoriametrics', queue: { minBackoff: '10s', maxBackoff: '1s' } },
      /storage\.queue\.minBackoff/,
    );
    bad({ type: 'victoriametrics', queue: { capacity: 0 } }, /storage\.queue\.capacity/);
    bad({ type: 'victoriametrics', layout: 'chunks' }, /layout/);
  });

  it('examples/monitor-victoriametrics.yaml is valid', () => {
    const s = loadMonitorConfig('examples/monitor-victoriametrics.yaml').storage;
    assert.equal(s.type, 'victoriametrics');
    assert.deepEqual(sqlLocation(s), { type: 'sqlite', path: './data/dwcp-monitor.db' });
  });

  it('victoriametrics: credentials as separate fields, one kind at a time, never in the URLs; external labels', () => {
    const s = parseMonitorConfig({
      storage: {
        type: 'victoriametrics',
        bearerTokenFile: '/run/secrets/vm',
        externalLabels: { monitor: 'dwcp-ha' },
      },
    }).storage;
    assert.equal(s.type === 'victoriametrics' ? s.bearerTokenFile : '', '/run/secrets/vm');
    assert.deepEqual(s.type === 'victoriametrics' ? s.externalLabels : {}, { monitor: 'dwcp-ha' });
    const basic = parseMonitorConfig({
      storage: { type: 'victoriametrics', basicAuth: { username: 'vm', password: 's3cret' } },
    }).storage;
    assert.deepEqual(basic.type === 'victoriametrics' ? basic.basicAuth : {}, {
      username: 'vm',
      password: 's3cret',
    });
    const refused = (raw: unknown, re: RegExp) =>
      assert.throws(
        () => parseMonitorConfig({ storage: raw }),
        (e: unknown) => e instanceof ConfigError && re.test(e.message) && !e.message.includes('s3cret'),
      );
    refused(
      { type: 'victoriametrics', bearerToken: 's3cret', basicAuth: { username: 'vm', password: 's3cret' } },
      /at most one of basicAuth, bearerToken and bearerTokenFile/,
    );
    refused(
      { type: 'victoriametrics', writeUrl: 'http://vm:s3cret@127.0.0.1:8428/api/v1/write' },
      /storage\.writeUrl: must not contain credentials/,
    );
    refused(
      { type: 'victoriametrics', readUrl: 'http://vm:s3cret@127.0.0.1:8428' },
      /storage\.readUrl: must not contain credentials/,
    );
    refused(
      { type: 'victoriametrics', basicAuth: { username: 'vm' } },
      /exactly one of password and passwordFile/,
    );
    refused({ type: 'victoriametrics', externalLabels: { 'bad-name': 'x' } }, /storage\.externalLabels/);
  });
});
