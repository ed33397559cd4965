/**
 * The host collector against Debian's prometheus-node-exporter on the same host: every metric name we export for
 * the collectors we implement is one node_exporter exports too, with the same label names, and node_exporter's
 * names for those collectors that this host has (e.g. meminfo fields) are all ours.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { COLLECTORS, HostCollector } from '../../src/collector/host-collector.ts';
import { CollectorService } from '../../src/collector/service.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { labelNamesByMetric } from '../helpers/exposition-names.ts';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

const bin = requireBinary('prometheus-node-exporter');

/** node_exporter name prefixes of the collectors we implement. */
const OURS =
  /^node_(cpu_seconds_total|cpu_guest_seconds_total|boot_time_seconds|context_switches_total|forks_total|intr_total|procs_(running|blocked)|load(1|5|15)|memory_|network_(receive|transmit)_|disk_(?!info)|filesystem_)/;

describe(
  'collector names vs node_exporter',
  { skip: bin ? false : 'prometheus-node-exporter not found (outside CI)' },
  () => {
    let ne: ServerProcess | undefined;
    let theirs: Map<string, string[]>;
    let ours: Map<string, string[]>;

    before(async () => {
      const port = await freePort();
      const flags = COLLECTORS.map((c) => `--collector.${c}`);
      // --no-collector.netdev.netlink: read /proc/net/dev as we do (netlink adds e.g. receive_nohandler_total).
      const args = [
        '--collector.disable-defaults',
        ...flags,
        '--no-collector.netdev.netlink',
        `--web.listen-address=127.0.0.1:${port}`,
      ];
      ne = await startServerProcess('node_exporter', bin!, args, `http://127.0.0.1:${port}/metrics`);
      theirs = labelNamesByMetric(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
      const registry = new Registry();
      await new CollectorService({ collector: new HostCollector(), registry }).runCycle();
      ours = labelNamesByMetric(await registry.metrics());
    });
    after(async () => {
      await ne?.stop();
    });

    it('exports only names node_exporter exports, with equal label names', () => {
      const mine = [...ours.keys()].filter((n) => n.startsWith('node_'));
      assert.ok(mine.length > 50, `${mine.length} node_ names`);
      const missing = mine.filter((n) => !theirs.has(n));
      assert.deepEqual(missing, [], 'names node_exporter does not have');
      for (const n of mine) assert.deepEqual(ours.get(n), theirs.get(n), `label names of ${n}`);
    });

    it("covers node_exporter's names of the implemented collectors on this host", () => {
      const expected = [...theirs.keys()].filter((n) => OURS.test(n));
      const notOurs = expected.filter((n) => !ours.has(n));
      assert.deepEqual(notOurs, []);
    });
  },
);
