/**
 * Reading V8's `--trace-gc-nvp` lines (one per garbage collection, `[pid:isolate]  T ms: pause=… gc=s … allocated=…`)
 * for `npm run bench:probe -- --gc-trace`: how many scavenges (`gc=s`, young generation) and mark-compacts (`gc=mc`,
 * the whole heap; `gc=mmc` minor mark-compacts count as young-generation collections) ran, their main-thread pause, and the bytes the
 * program allocated between collections (`allocated=`, summed: every byte allocated over the lines read), and what
 * the young-generation collections kept: bytes moved to the old generation (`promoted=`) and bytes copied within the
 * young generation (`new_space_survived=`).
 */

/** Totals over a run of `--trace-gc-nvp` lines. */
export interface GcTotals {
  /** Young-generation collections (scavenges and minor mark-compacts). */
  readonly scavenges: number;
  /** Full (mark-compact) collections. */
  readonly markCompacts: number;
  /** Main-thread pause of all of them, wall milliseconds (on a loaded machine it includes waiting for a core). */
  readonly pauseMs: number;
  /** The part of `pauseMs` in mark-compacts. */
  readonly markCompactPauseMs: number;
  /** Bytes allocated between the collections read (V8's `allocated=`), summed. */
  readonly allocatedBytes: number;
  /** Bytes the young-generation collections promoted to the old generation (V8's `promoted=`), summed. */
  readonly promotedBytes: number;
  /** Bytes the young-generation collections copied within the young generation (`new_space_survived=`), summed. */
  readonly survivedBytes: number;
}

const FIELD = /(?:^|\s)(pause|gc|allocated|promoted|new_space_survived)=(\S+)/g;

/** Sums `text`'s `--trace-gc-nvp` lines; other lines (the program's own output) are skipped. */
export function gcTotals(text: string): GcTotals {
  let scavenges = 0;
  let markCompacts = 0;
  let pauseMs = 0;
  let markCompactPauseMs = 0;
  let allocatedBytes = 0;
  let promotedBytes = 0;
  let survivedBytes = 0;
  for (const line of text.split('\n')) {
    if (!line.includes(' ms: pause=')) continue;
    let pause = 0;
    let full = false;
    let promoted = 0;
    let survived = 0;
    for (const [, key, value] of line.matchAll(FIELD)) {
      if (key === 'pause') pause = Number(value);
      else if (key === 'allocated') allocatedBytes += Number(value);
      else if (key === 'promoted') promoted = Number(value);
      else if (key === 'new_space_survived') survived = Number(value);
      else full = value === 'mc' || value === 'ms';
    }
    pauseMs += pause;
    if (full) {
      markCompacts++;
      markCompactPauseMs += pause;
    } else {
      scavenges++;
      promotedBytes += promoted;
      survivedBytes += survived;
    }
  }
  return {
    scavenges,
    markCompacts,
    pauseMs,
    markCompactPauseMs,
    allocatedBytes,
    promotedBytes,
    survivedBytes,
  };
}
