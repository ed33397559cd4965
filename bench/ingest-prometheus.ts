/**
 * Prometheus' own on-disk size for the same samples: the benchmark's load written as OpenMetrics text and
 * turned into a TSDB block by `promtool tsdb create-blocks-from openmetrics` (Debian's promtool), then the
 * block directory measured. Families are written contiguously (series sorted by name), as the format requires.
 * @see https://prometheus.io/docs/prometheus/latest/storage/#backfilling-from-openmetrics-format
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary } from '../test/helpers/binaries.ts';
import type { ReplayLoad } from './ingest-data.ts';

function dirBytes(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir, { withFileTypes: true }))
    n += f.isDirectory() ? dirBytes(join(dir, f.name)) : statSync(join(dir, f.name)).size;
  return n;
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]!.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/**
 * Bytes of the Prometheus block holding `steps` samples of every series of `load` at 1 s from `startMs`, or
 * undefined (with the reason) when promtool is missing or fails.
 */
export function prometheusBlockBytes(
  load: ReplayLoad,
  steps: number,
  startMs: number,
  dir: string,
): { bytes?: number; samples: number; reason?: string } {
  const promtool = findBinary('promtool');
  const samples = load.series * steps;
  if (!promtool) return { samples, reason: 'promtool not installed' };
  mkdirSync(dir, { recursive: true });
  const input = join(dir, 'load.om');
  const fd = openSync(input, 'w');
  try {
    const order = Array.from({ length: load.series }, (_, i) => i).sort((a, b) =>
      load.name(a) < load.name(b) ? -1 : load.name(a) > load.name(b) ? 1 : a - b,
    );
    let buf: string[] = [];
    for (const i of order) {
      const head = load.name(i) + labelText(load.labelsOf(i)) + ' ';
      for (let k = 0; k < steps; k++) {
        buf.push(
          head +
            String(load.value(i, k)) +
            ' ' +
            (load.timestamp(i, k, startMs, 1000) / 1000).toFixed(3) +
            '\n',
        );
        if (buf.length >= 50_000) {
          writeSync(fd, buf.join(''));
          buf = [];
        }
      }
    }
    buf.push('# EOF\n');
    writeSync(fd, buf.join(''));
  } finally {
    closeSync(fd);
  }
  const out = join(dir, 'blocks');
  const r = spawnSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', input, out], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.status !== 0)
    return { samples, reason: `promtool failed: ${(r.stderr || r.stdout || '').slice(-300)}` };
  return { bytes: dirBytes(out), samples };
}
