/**
 * The `filesystem` collector: mount points from /proc/1/mounts (falling back to /proc/self/mounts), filtered by
 * node_exporter's default mount-point and filesystem-type exclusions, then statfs(2) of each mount with a
 * timeout (a hung network mount reports `node_filesystem_device_error 1` instead of stalling the cycle), as
 * node_exporter's filesystem collector does.
 * @see https://man7.org/linux/man-pages/man5/proc_mounts.5.html (fstab(5) fields, octal escapes)
 * @see https://github.com/prometheus/node_exporter/blob/master/collector/filesystem_linux.go
 */
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError } from '../errors.ts';
import { FamilyBuilder, type Family } from './family.ts';

/** node_exporter 1.5's default `--collector.filesystem.mount-points-exclude`. */
export const MOUNT_POINTS_EXCLUDE_DEFAULT =
  /^\/(dev|proc|run|sys|mnt|media|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;
/** node_exporter 1.5's default `--collector.filesystem.fs-types-exclude`. */
export const FS_TYPES_EXCLUDE_DEFAULT =
  /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$/;
/** Mounts reported at most. */
export const MAX_MOUNTS = 256;

/** One mount of the mounts file. */
export interface Mount {
  readonly device: string;
  readonly mountpoint: string;
  readonly fstype: string;
  readonly readonly: boolean;
}

const unescape = (s: string): string =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/**
 * Parses a mounts file (`device mountpoint fstype options dump pass`), keeping the first entry per mount point,
 * without excluded mount points or types, at most {@link MAX_MOUNTS}.
 * @throws InvalidInputError for a line with fewer than 4 fields.
 */
export function parseMounts(
  text: string,
  excludeMounts = MOUNT_POINTS_EXCLUDE_DEFAULT,
  excludeTypes = FS_TYPES_EXCLUDE_DEFAULT,
): Mount[] {
  const out: Mount[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const p = lines[i]!.trim().split(/\s+/);
    if (p.length === 1 && p[0] === '') continue;
    if (p.length < 4)
      throw new InvalidInputError(`mounts line ${i + 1}: ${p.length} fields, expected at least 4`);
    const mountpoint = unescape(p[1]!);
    const fstype = p[2]!;
    if (excludeMounts.test(mountpoint) || excludeTypes.test(fstype) || seen.has(mountpoint)) continue;
    seen.add(mountpoint);
    out.push({ device: unescape(p[0]!), mountpoint, fstype, readonly: p[3]!.split(',').includes('ro') });
    if (out.length >= MAX_MOUNTS) break;
  }
  return out;
}

/** What statfs gives (node's StatFs, bigint-free). */
export interface FsStats {
  readonly bsize: number;
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
  readonly files: number;
  readonly ffree: number;
}

/** Reads statfs of `path` (injectable for tests). */
export type StatFsReader = (path: string) => Promise<FsStats>;

/** The default reader: node:fs/promises statfs. */
export const nodeStatfs: StatFsReader = (path) => statfs(path);

/**
 * The filesystem families of `mounts`: statfs of each (under `rootfs`, node_exporter's --path.rootfs) in
 * parallel with `timeoutMs`; a mount whose statfs fails or times out gets only `node_filesystem_device_error 1`.
 * Never throws for one mount; the error messages are returned.
 */
export async function collectFilesystems(
  mounts: readonly Mount[],
  opts: { readonly rootfs?: string; readonly timeoutMs?: number; readonly statfs?: StatFsReader } = {},
): Promise<{ families: Family[]; errors: string[] }> {
  const f = new FamilyBuilder();
  for (const n of [
    'node_filesystem_size_bytes',
    'node_filesystem_free_bytes',
    'node_filesystem_avail_bytes',
    'node_filesystem_files',
    'node_filesystem_files_free',
    'node_filesystem_readonly',
    'node_filesystem_device_error',
  ] as const)
    f.declare(n);
  const read = opts.statfs ?? nodeStatfs;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const errors: string[] = [];
  const results = await Promise.all(
    mounts.map(async (m) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const path = opts.rootfs && opts.rootfs !== '/' ? join(opts.rootfs, m.mountpoint) : m.mountpoint;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`statfs timed out after ${timeoutMs} ms`)), timeoutMs);
        });
        return { m, st: await Promise.race([read(path), timeout]) };
      } catch (e) {
        errors.push(`${m.mountpoint}: ${e instanceof Error ? e.message : String(e)}`);
        return { m, st: undefined };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  for (const { m, st } of results) {
    const labels = { device: m.device, fstype: m.fstype, mountpoint: m.mountpoint };
    f.add('node_filesystem_device_error', st ? 0 : 1, labels);
    if (!st) continue;
    f.add('node_filesystem_size_bytes', st.blocks * st.bsize, labels);
    f.add('node_filesystem_free_bytes', st.bfree * st.bsize, labels);
    f.add('node_filesystem_avail_bytes', st.bavail * st.bsize, labels);
    f.add('node_filesystem_files', st.files, labels);
    f.add('node_filesystem_files_free', st.ffree, labels);
    f.add('node_filesystem_readonly', m.readonly ? 1 : 0, labels);
  }
  return { families: f.families(), errors };
}
