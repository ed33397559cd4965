/**
 * Remote-storage credentials against real servers: a Debian victoria-metrics behind vmauth, which lets through
 * only requests with the right bearer token. The store writes and reads through vmauth with the token read from a
 * file (a rotated file is picked up); without credentials (401) writes are not retried and are counted as
 * `unauthorized` and reads fail naming the refused credentials; with a wrong token, which vmauth echoes in its
 * answer, the token never reaches an error message.
 * @see https://docs.victoriametrics.com/vmauth/
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { authorizationHeader } from '../../src/alerting/delivery/http-auth.ts';
import { StoreError } from '../../src/errors.ts';
import type { Sample } from '../../src/model/sample.ts';
import { openRemoteStore, type RemoteBackedStore } from '../../src/remote-store/open.ts';
import type { RemoteWriteFailure } from '../../src/remote-store/write-queue.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { startVictoriaMetrics, type VictoriaMetricsInstance } from '../helpers/victoria-metrics.ts';

const vmBinary = requireBinary('victoria-metrics');
const vmauthBinary = requireBinary('vmauth');
const TOKEN = 'vm-t0ken-s3cret';

describe(
  'remote storage behind vmauth',
  { skip: vmBinary && vmauthBinary ? false : 'victoria-metrics or vmauth not found (outside CI)' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-vmauth-'));
    const tokenFile = join(dir, 'token');
    let vm: VictoriaMetricsInstance | undefined;
    let vmauth: ServerProcess | undefined;
    let proxyUrl = '';
    const stores: RemoteBackedStore[] = [];
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;

    /** A store writing and reading through vmauth with the bearer token in `tokenFile` (or no credentials). */
    async function store(
      failed: Partial<Record<RemoteWriteFailure, number>>,
      errors: Error[],
      credentials = true,
    ): Promise<RemoteBackedStore> {
      const s = openRemoteStore({
        writeUrl: `${proxyUrl}/api/v1/write`,
        readUrl: proxyUrl,
        retentionMs: 86_400_000,
        timeoutMs: 5000,
        queue: {
          capacity: 10_000,
          maxSamplesPerSend: 1000,
          batchDeadlineMs: 50,
          minBackoffMs: 10,
          maxBackoffMs: 100,
        },
        state: await openSqliteStore({ path: ':memory:', retentionMs: 3_600_000 }),
        ...(credentials ? { authorization: () => authorizationHeader({ bearerTokenFile: tokenFile }) } : {}),
        metrics: {
          sent: () => {},
          failed: (r, n) => void (failed[r] = (failed[r] ?? 0) + n),
          dropped: () => {},
          retried: () => {},
          queued: () => {},
        },
        onError: (e) => errors.push(e),
      });
      stores.push(s);
      return s;
    }
    const samples = (lane: string): Sample[] =>
      Array.from({ length: 6 }, (_, i) => ({
        name: 'dwcp_vmauth_e2e',
        labels: { lane },
        value: i,
        timestampMs: minute + i * 10_000,
      }));

    before(async () => {
      vm = await startVictoriaMetrics(vmBinary!);
      const port = await freePort();
      proxyUrl = `http://127.0.0.1:${port}`;
      const config = join(dir, 'auth.yml');
      writeFileSync(
        config,
        `users:\n  - bearer_token: ${JSON.stringify(TOKEN)}\n    url_prefix: ${JSON.stringify(vm.url)}\n`,
      );
      vmauth = await startServerProcess(
        'vmauth',
        vmauthBinary!,
        [`-auth.config=${config}`, `-httpListenAddr=127.0.0.1:${port}`, '-loggerLevel=WARN'],
        `${proxyUrl}/health`,
        30_000,
      );
    });

    after(async () => {
      for (const s of stores) await s.close();
      await vmauth?.stop();
      await vm?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('writes and reads back through vmauth with the token from its file', async () => {
      writeFileSync(tokenFile, `${TOKEN}\n`);
      const failed: Partial<Record<RemoteWriteFailure, number>> = {};
      const s = await store(failed, []);
      assert.deepEqual(await s.append(samples('ok')), { stored: 6, rejected: {} });
      assert.equal(await s.samples.flush(10_000), true);
      await vm!.forceFlush();
      const refs = await s.findSeries('dwcp_vmauth_e2e', { lane: 'ok' }, 10);
      assert.equal(refs.length, 1, vmauth!.logs());
      const [points] = await s.readPoints(refs, minute, minute + 60_000, 100);
      assert.deepEqual(points!.values, [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(failed, {});
    });

    it('without credentials: vmauth answers 401, writes are not retried and counted as unauthorized, reads fail naming the credentials', async () => {
      const failed: Partial<Record<RemoteWriteFailure, number>> = {};
      const errors: Error[] = [];
      const s = await store(failed, errors, false);
      assert.equal((await s.append(samples('anonymous'))).stored, 6, 'queued');
      assert.equal(await s.samples.flush(10_000), true, 'given up at once, not retried');
      assert.deepEqual(failed, { unauthorized: 6 }, errors.map((e) => e.message).join('\n'));
      assert.match(
        errors[0]!.message,
        /^remote write answered 401 \(the endpoint refused the credentials: check the storage basicAuth, bearerToken or bearerTokenFile\)/,
      );
      await assert.rejects(
        s.findSeries('dwcp_vmauth_e2e', {}, 10),
        (e: unknown) =>
          e instanceof StoreError && /answered 401: the endpoint refused the credentials/.test(e.message),
      );
    });

    it('with a wrong token: writes are given up at once, and the token vmauth echoes back is never in an error', async () => {
      writeFileSync(tokenFile, 'wrong-s3cret\n');
      const failed: Partial<Record<RemoteWriteFailure, number>> = {};
      const errors: Error[] = [];
      const s = await store(failed, errors);
      assert.equal((await s.append(samples('refused'))).stored, 6, 'queued');
      assert.equal(await s.samples.flush(10_000), true, 'given up at once, not retried');
      // vmauth 1.79 answers an unknown token with 400 (counted as rejected), later versions with 401 (unauthorized)
      assert.equal((failed.rejected ?? 0) + (failed.unauthorized ?? 0), 6, JSON.stringify(failed));
      assert.match(errors[0]!.message, /^remote write answered 40[01]\b.*auth token.*<secret>/s);
      await assert.rejects(
        s.findSeries('dwcp_vmauth_e2e', {}, 10),
        (e: unknown) => e instanceof StoreError && !e.message.includes('s3cret'),
      );
      assert.ok(
        errors.every((e) => !e.message.includes('s3cret')),
        errors.map((e) => e.message).join('\n'),
      );

      writeFileSync(tokenFile, `${TOKEN}\n`); // rotated: the next request reads the file again
      assert.equal((await s.findSeries('dwcp_vmauth_e2e', {}, 10)).length, 1, 'only the first store wrote');
    });
  },
);
