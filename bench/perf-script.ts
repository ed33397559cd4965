/**
 * Reads the text of `perf script -F comm,tid,ip,sym,dso` (Linux perf, samples recorded with `--call-graph dwarf`)
 * into samples: the thread id and the call stack, innermost frame first, each frame its symbol and the object
 * (binary, shared library, `[kernel.kallsyms]`, or a `/tmp/perf-<pid>.map` of `node --perf-basic-prof`) it is in.
 * @see https://man7.org/linux/man-pages/man1/perf-script.1.html
 */

/** One frame of a sampled stack. */
export interface PerfFrame {
  readonly sym: string;
  readonly dso: string;
}

/** One sample: its thread and stack (innermost first; empty when perf could not unwind it). */
export interface PerfSample {
  readonly tid: number;
  readonly frames: readonly PerfFrame[];
}

/** A frame line: the address in hex, the symbol (may hold spaces and parentheses), the object in parentheses. */
const FRAME = /^\s+[0-9a-f]+ (.*) \(([^()]*)\)$/;

/**
 * The samples of a `perf script -F comm,tid,ip,sym,dso` text: a header line (`<comm> <tid>`) per sample, then its
 * frames one per line (indented), samples separated by an empty line. Lines of neither shape are skipped.
 */
export function parsePerfScript(text: string): PerfSample[] {
  const out: PerfSample[] = [];
  let tid: number | undefined;
  let frames: PerfFrame[] = [];
  const end = (): void => {
    if (tid !== undefined) out.push({ tid, frames });
    tid = undefined;
    frames = [];
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      end();
      continue;
    }
    if (!/^\s/.test(line)) {
      end();
      const parts = line.trim().split(/\s+/);
      const t = Number(parts[parts.length - 1]);
      if (Number.isInteger(t)) tid = t;
      continue;
    }
    const m = FRAME.exec(line);
    if (m !== null && tid !== undefined) frames.push({ sym: m[1]!, dso: m[2]! });
  }
  end();
  return out;
}

/** The thread with the most samples (the process's main thread in a single-threaded benchmark). */
export function busiestThread(samples: readonly PerfSample[]): number | undefined {
  const n = new Map<number, number>();
  for (const s of samples) n.set(s.tid, (n.get(s.tid) ?? 0) + 1);
  let best: number | undefined;
  for (const [t, k] of n) if (best === undefined || k > n.get(best)!) best = t;
  return best;
}
