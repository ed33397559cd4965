/**
 * Parser of /proc/meminfo into node_exporter's `node_memory_*` families: `Key: value kB` → `node_memory_Key_bytes`
 * (×1024), unit-less keys (huge-page counts) → `node_memory_Key`; `(x)` in a key becomes `_x` (`Active(anon)` →
 * `Active_anon`), as node_exporter's meminfo collector does. Keys outside the catalog's list are skipped. Pure.
 * @see https://man7.org/linux/man-pages/man5/proc_meminfo.5.html
 * @see https://github.com/prometheus/node_exporter/blob/master/collector/meminfo_linux.go
 */
import { getMetric, isMetricName } from '../catalog/index.ts';
import { InvalidInputError } from '../errors.ts';
import { FamilyBuilder, uint, type Family } from './family.ts';

/**
 * The memory families.
 * @throws InvalidInputError when MemTotal is missing, a value is not an integer, or a unit is not kB.
 */
export function parseMeminfo(text: string): Family[] {
  const f = new FamilyBuilder();
  let sawTotal = false;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const m = /^([^:\s]+):\s*(\S+)\s*(\S*)\s*$/.exec(line);
    if (!m)
      throw new InvalidInputError(
        `/proc/meminfo line ${i + 1}: expected "Key: value [kB]", got ${JSON.stringify(line.slice(0, 80))}`,
      );
    const key = m[1]!.replace(/\((.*)\)/, '_$1');
    const value = uint(m[2], `/proc/meminfo ${m[1]}`);
    const unit = m[3]!;
    if (unit !== '' && unit !== 'kB')
      throw new InvalidInputError(`/proc/meminfo ${m[1]}: unknown unit ${JSON.stringify(unit)}`);
    if (key === 'MemTotal') sawTotal = true;
    const name = unit === 'kB' ? `node_memory_${key}_bytes` : `node_memory_${key}`;
    if (!isMetricName(name)) continue;
    f.add(getMetric(name).name, unit === 'kB' ? value * 1024 : value);
  }
  if (!sawTotal) throw new InvalidInputError('/proc/meminfo: MemTotal missing');
  return f.families();
}
