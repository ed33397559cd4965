// throwaway: FTS5 cost per stored line, and a rare word found by FTS vs by an instr scan
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openSqliteLogStore } from '../../src/logs/store/open.ts';
import type { LogRecord } from '../../src/logs/record.ts';
import { Prng } from '../../src/sim/prng.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const WORDS = ['migration', 'started', 'completed', 'transfer', 'timed', 'out', 'retrying', 'mode', 'switched', 'checkpoint', 'written', 'peer', 'connected', 'leader', 'elected', 'quorum', 'lost'];
const D = 86_400_000;
const now = Date.now();
const r = new Prng(5);
function batch(from: number, n: number): LogRecord[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const msg = i % 100_000 === 77 ? 'zanzibar checkpoint failed' : Array.from({ length: r.int(3, 7) }, () => WORDS[r.int(0, WORDS.length - 1)]).join(' ');
    const body = JSON.stringify({ level: 30, time: now, node_id: `node-${r.int(1, 50)}`, vm_id: `vm-${r.int(1, 5000)}`, attempt: r.int(1, 3), msg });
    return { timeUs: (now - 3_600_000 + Math.floor((i / N) * 3_600_000)) * 1000, level: 'info', service: 'dwcp-node', nodeId: `node-${r.int(1, 50)}`, region: '', component: 'transport', traceId: '', spanId: '', body, attributes: {} };
  });
}
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const dir = mkdtempSync(join(tmpdir(), 'dwcp-fts-'));
const opts = { retentionMs: { debug: D, info: D, warn: D, error: D, fatal: D }, maxEntries: 100_000_000 };
try {
  const batches = Array.from({ length: 200 }, (_, b) => batch(b * 1000, 1000));
  for (const withFts of [true, false]) {
    const st = await openSqliteLogStore(join(dir, `s-${withFts}.db`), opts);
    if (!withFts) {
      await sql`drop table log_fts`.execute(st.db);
      await sql`create table log_fts (rowid integer, body text)`.execute(st.db);
      await sql`create trigger log_fts_skip before insert on log_fts begin select raise(ignore); end`.execute(st.db);
    }
    const st2 = withFts ? st : await (async () => { await st.close(); return openSqliteLogStore(join(dir, `s-${withFts}.db`), opts); })();
    const c = cpu();
    for (const b of batches) await st2.insertLogs(b);
    console.log(`store 200k lines ${withFts ? 'with FTS5' : 'without FTS5 (skipping trigger)'}: ${((cpu() - c) / 200_000 * 1e6).toFixed(2)} µs CPU per line`);
    await st2.close();
  }
  const st = await openSqliteLogStore(join(dir, 'q.db'), opts);
  for (let i = 0; i < N; i += 1000) await st.insertLogs(batch(i, 1000));
  const startUs = (now - 3_600_000) * 1000, endUs = (now + 1) * 1000;
  const time = async (name: string, f: () => Promise<unknown>) => { await f(); const t: number[] = []; for (let i = 0; i < 7; i++) { const s = process.hrtime.bigint(); await f(); t.push(Number(process.hrtime.bigint() - s) / 1e6); } t.sort((a, b) => a - b); console.log(`${name} at ${N} lines: median ${t[3]!.toFixed(1)} ms, max ${t[6]!.toFixed(1)} ms`); };
  await time('rare word via FTS5 (scan words)', () => st.scan({ startUs, endUs, labels: [], words: ['zanzibar'], direction: 'backward', limit: 100, maxScan: 10_000_000 }));
  await time('rare word via instr over the hour (no index)', () => sql`select id from log_entries where time_us >= ${startUs} and time_us < ${endUs} and instr(body, 'zanzibar') > 0 order by time_us desc limit 100`.execute(st.db));
  await time('common word via FTS5 (newest 100)', () => st.scan({ startUs, endUs, labels: [], words: ['quorum'], direction: 'backward', limit: 100, maxScan: 10_000_000 }));
  await time('common word via instr (newest 100)', () => sql`select id from log_entries where time_us >= ${startUs} and time_us < ${endUs} and instr(body, 'quorum') > 0 order by time_us desc limit 100`.execute(st.db));
  await st.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
