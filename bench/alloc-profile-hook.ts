/**
 * Preloaded into `serve` by `npm run bench:probe -- --alloc-prof DIR` (`node --import tsx --import
 * .../alloc-profile-hook.ts`): runs V8's sampling heap profiler from startup with collected objects kept (so the
 * profile counts every byte allocated, sampled every 64 KiB, not only what is still live) and writes the profile so
 * far as `alloc-<pid>.heapprofile` (Chrome DevTools format) into `DWCP_ALLOC_PROF_DIR` every 15 s and at exit (the
 * bench may end `serve` with SIGKILL when its shutdown takes long, so the last periodic write is what remains).
 * On SIGUSR2 (the probe's measured window starting and ending) it writes `alloc-<pid>-mark<N>.heapprofile`, N = 1,
 * 2, …: the samples between two marks (by ordinal) are the window's (bench/alloc-profile-summary.ts).
 * With `DWCP_ALLOC_PROF_KEEP=survivors` (`bench:probe --alloc-prof DIR --alloc-survivors`) objects freed by a
 * young-generation collection are dropped from the profile: what remains is what survived a scavenge (promoted, or
 * still live), by allocation site.
 */
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.DWCP_ALLOC_PROF_DIR;
if (dir !== undefined && dir !== '') {
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 64 * 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: process.env.DWCP_ALLOC_PROF_KEEP !== 'survivors',
  });
  const file = path.join(dir, `alloc-${process.pid}.heapprofile`);
  // The in-process session answers synchronously.
  const writeTo = (to: string): void =>
    session.post('HeapProfiler.getSamplingProfile', (err, res) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(to, JSON.stringify(res.profile));
    });
  const write = (): void => writeTo(file);
  let marks = 0;
  setInterval(write, 15_000).unref();
  process.prependListener('SIGTERM', write);
  process.on('SIGUSR2', () => writeTo(path.join(dir, `alloc-${process.pid}-mark${++marks}.heapprofile`)));
}
