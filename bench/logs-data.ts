/**
 * The log benchmarks' lines (bench/logs.ts, bench/logs-blocks.ts): pino-style JSON lines from a seeded generator,
 * about a fifth with PII from the labelled corpus, pushed as Loki JSON bodies of {@link PER_BODY} entries.
 */
import { Registry } from 'prom-client';
import { DEFAULT_LOG_LIMITS, type LogLimits } from '../src/logs/limits.ts';
import { LogReceiver } from '../src/logs/receiver.ts';
import { Prng } from '../src/sim/prng.ts';
import { generatePiiCorpus } from '../test/fixtures/logs/pii-corpus.ts';

export const PER_BODY = 1000;
export const DAY = 86_400_000;
export const NODES = 50;
export const WORDS = [
  'migration',
  'started',
  'completed',
  'transfer',
  'timed',
  'out',
  'retrying',
  'mode',
  'switched',
  'checkpoint',
  'written',
  'peer',
  'connected',
  'leader',
  'elected',
  'quorum',
  'lost',
];
const LEVELS = [30, 30, 30, 30, 30, 30, 40, 40, 50, 20];
const COMPONENTS = ['migration', 'transport', 'consensus', 'mode', 'state_sync'];

/** `n` lines ending at `endMs`, spread over the `spanMs` (default an hour) before it. */
export function lines(
  n: number,
  endMs: number,
  seed: number,
  spanMs = 3_600_000,
): { time: number; line: string; node: string; level: string; component: string }[] {
  const r = new Prng(seed);
  const pii = generatePiiCorpus(seed, 2000)
    .filter((c) => c.secrets.length > 0)
    .map((c) => c.line);
  const out = [];
  for (let i = 0; i < n; i++) {
    const time = endMs - spanMs + Math.floor((i / n) * spanMs);
    const level = LEVELS[r.int(0, LEVELS.length - 1)]!;
    const node = `node-${r.int(1, NODES)}`;
    const component = COMPONENTS[r.int(0, COMPONENTS.length - 1)]!;
    const msg = r.chance(0.2)
      ? pii[r.int(0, pii.length - 1)]!
      : Array.from({ length: r.int(3, 7) }, () => WORDS[r.int(0, WORDS.length - 1)]).join(' ');
    const trace = r.chance(0.7)
      ? {
          trace_id: r.next().toString(16).slice(2, 10).padEnd(32, 'a'),
          span_id: r.next().toString(16).slice(2, 10).padEnd(16, 'b'),
        }
      : {};
    const line = JSON.stringify({
      level,
      time,
      node_id: node,
      region: `r${r.int(1, 5)}`,
      component,
      ...trace,
      vm_id: `vm-${r.int(1, 5000)}`,
      attempt: r.int(1, 3),
      msg,
    });
    out.push({
      time,
      line,
      node,
      level: level >= 50 ? 'error' : level >= 40 ? 'warn' : level >= 30 ? 'info' : 'debug',
      component,
    });
  }
  return out;
}

/** A bench stream: its labels and `[unix ms, line]` entries. */
export interface BenchStream {
  readonly labels: Record<string, string>;
  readonly entries: [number, string][];
}

/** Lines grouped into streams, one per (node, level, component), in order of first appearance. */
export function streamsOf(ls: ReturnType<typeof lines>): BenchStream[] {
  const streams = new Map<string, BenchStream>();
  for (const l of ls) {
    const key = `${l.node}|${l.level}|${l.component}`;
    let s = streams.get(key);
    if (!s)
      streams.set(
        key,
        (s = {
          labels: { service_name: 'dwcp-node', node_id: l.node, level: l.level, component: l.component },
          entries: [],
        }),
      );
    s.entries.push([l.time, l.line]);
  }
  return [...streams.values()];
}

/** Loki JSON push bodies of PER_BODY lines, one stream per (node, level, component). */
export function bodies(ls: ReturnType<typeof lines>): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < ls.length; i += PER_BODY) {
    const streams = streamsOf(ls.slice(i, i + PER_BODY)).map((s) => ({
      stream: s.labels,
      values: s.entries.map(([ms, line]) => [`${ms}000000`, line]),
    }));
    out.push(Buffer.from(JSON.stringify({ streams })));
  }
  return out;
}

/**
 * Loki JSON bodies as agents push them (Promtail's `batchwait`, Alloy's `batch_wait`): the lines of each `windowMs`
 * window, one body per node (its ≤ 20 streams), the nodes one after another.
 */
export function agentBodies(ls: ReturnType<typeof lines>, windowMs: number): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i < ls.length) {
    const end = ls[i]!.time - (ls[i]!.time % windowMs) + windowMs;
    const byNode = new Map<string, ReturnType<typeof lines>>();
    for (; i < ls.length && ls[i]!.time < end; i++) {
      const l = ls[i]!;
      const xs = byNode.get(l.node) ?? [];
      xs.push(l);
      byNode.set(l.node, xs);
    }
    for (const xs of byNode.values()) out.push(...bodies(xs));
  }
  return out;
}

/**
 * The receive limits the store benches decode with (entries up to two days old) and a receiver with a sink that
 * stores nothing, for its `mask`: records decoded and masked once, then stored by the bench itself.
 */
export function maskingReceiver(now: number): { readonly limits: LogLimits; readonly rx: LogReceiver } {
  const limits = { ...DEFAULT_LOG_LIMITS, maxAgeMs: 2 * DAY };
  const rx = new LogReceiver(
    { storeLogs: () => Promise.resolve({ stored: 0, droppedForStreamLimit: [] }) } as never,
    { registry: new Registry(), limits, now: () => now },
  );
  return { limits, rx };
}

/** CPU time of this process so far (user + system), µs: the log benches' measure, which a loaded machine inflates less than wall time. */
export function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}
