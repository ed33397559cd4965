/**
 * A real Debian Prometheus remote-writes into the monitor (POST /api/v1/write): Prometheus scrapes a local
 * exposition and itself, and the samples arrive in the monitor's store with Prometheus' target labels. Prometheus
 * authenticates with an ingest API token; without one the monitor refuses the write.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { parseMonitorConfig } from '../../src/config.ts';
import { startMonitor, type RunningMonitor } from '../../src/main.ts';
import { adminBearer, issueApiToken } from '../helpers/auth.ts';
import { requireBinary } from '../helpers/binaries.ts';
import {
  prometheusConfig,
  remoteWriteConfig,
  startPrometheus,
  type PrometheusInstance,
} from '../helpers/prometheus.ts';
import { pollUntil } from '../helpers/server-process.ts';

const binary = requireBinary('prometheus');

describe(
  'Prometheus remote_write into the monitor',
  { skip: binary ? false : 'prometheus binary not found (outside CI)' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-rw-'));
    let exporter: Server | undefined;
    let monitor: RunningMonitor | undefined;
    let prom: PrometheusInstance | undefined;
    let viewerToken = '';

    before(async () => {
      exporter = createServer((_q, r) =>
        r.end('# TYPE dwcp_rw_probe gauge\ndwcp_rw_probe{lane="a"} 42\ndwcp_rw_probe{lane="b"} 7\n'),
      );
      await new Promise<void>((resolve) => exporter!.listen(0, '127.0.0.1', resolve));
      monitor = await startMonitor({
        config: parseMonitorConfig({
          listen: { host: '127.0.0.1', port: 0 },
          host: { enabled: false },
          detection: { enabled: false },
          storage: { type: 'sqlite', path: join(dir, 'monitor.db'), layout: 'rows' },
        }),
        logger: pino({ level: 'silent' }),
        webRoot: dir,
      });
      // Prometheus sends with an ingest API token (remote_write authorization.credentials_file).
      const admin = await adminBearer(monitor.url, dir);
      writeFileSync(join(dir, 'ingest-token'), await issueApiToken(monitor.url, admin, 'ingest'), {
        mode: 0o600,
      });
      viewerToken = await issueApiToken(monitor.url, admin, 'viewer');
      const exporterAddress = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;
      const config =
        prometheusConfig('rw-probe', [{ address: exporterAddress, labels: { region: 'us-east' } }], '1s') +
        remoteWriteConfig(`${monitor.url}api/v1/write`, join(dir, 'ingest-token'));
      prom = await startPrometheus(binary!, config);
    });

    after(async () => {
      await prom?.stop();
      await monitor?.stop();
      await new Promise((r) => (exporter ? exporter.close(r) : r(undefined)));
      rmSync(dir, { recursive: true, force: true });
    });

    it('samples scraped by Prometheus arrive in the monitor with their target labels', async () => {
      const series = await pollUntil(
        'dwcp_rw_probe series in the monitor',
        async () => {
          const s = await monitor!.store.findSeries('dwcp_rw_probe', {}, 10);
          return s.length === 2 ? s : undefined;
        },
        30_000,
        500,
      ).catch((e: Error) => assert.fail(`${e.message}\nprometheus log:\n${prom!.logs()}`));
      assert.deepEqual(series.map((s) => s.labels['lane']).sort(), ['a', 'b']);
      for (const s of series)
        assert.deepEqual([s.labels['job'], s.labels['region']], ['rw-probe', 'us-east']);
      const now = Date.now();
      const points = await monitor!.store.readPoints(series, now - 60_000, now + 60_000, 100);
      const a = points.find((p) => p.series.labels['lane'] === 'a')!;
      assert.ok(a.values.length >= 1 && a.values.every((v) => v === 42));
      const up = await monitor!.store.findSeries('up', { job: 'rw-probe' }, 10);
      assert.equal(up.length, 1, "Prometheus' own up series of the target is written too");
      const metrics = await (
        await fetch(`${monitor!.url}metrics`, { headers: { authorization: `Bearer ${viewerToken}` } })
      ).text();
      assert.match(metrics, /dwcp_monitor_remote_write_samples_received_total [1-9]/);
    });

    it('remote write without a token, or with a viewer token, is refused', async () => {
      const body = {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
        body: new Uint8Array(0),
      };
      assert.equal((await fetch(`${monitor!.url}api/v1/write`, body)).status, 401);
      assert.equal(
        (
          await fetch(`${monitor!.url}api/v1/write`, {
            ...body,
            headers: { ...body.headers, authorization: `Bearer ${viewerToken}` },
          })
        ).status,
        403,
      );
    });
  },
);
