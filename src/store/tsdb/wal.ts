/**
 * The write-ahead log: numbered segment files in one directory, each a sequence of framed records
 *
 * ```
 * u32 LE payload length | u32 LE CRC-32 of the payload | payload (wal-record.ts)
 * ```
 *
 * Durability: `append` hands the whole frame to the OS in one write(2) before the store acknowledges the
 * batch, so a killed process (SIGKILL) loses no acknowledged record; the file is fsynced every
 * `fsyncIntervalMs` (asynchronously, off the event loop), so an OS crash or power loss loses at most that much.
 * Replay stops a segment at the first frame that is short or fails its checksum (a torn write at a crash) and
 * truncates the last segment there, so later appends follow valid data.
 *
 * @see Prometheus TSDB WAL (segments, CRC-checked records, repair by truncation),
 *   https://github.com/prometheus/prometheus/blob/main/tsdb/docs/format/wal.md
 */
import {
  closeSync,
  fsync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { StoreError } from '../../errors.ts';

/** Largest record payload accepted (a guard against a corrupt length field). */
export const MAX_WAL_RECORD_BYTES = 256 * 1024 * 1024;
const SEGMENT = /^(\d{12})\.wal$/;

/** What a replay found. */
export interface WalReplayStats {
  readonly segments: number;
  readonly records: number;
  /** Bytes dropped after the last valid frame of a segment (torn or corrupt tails). */
  readonly droppedBytes: number;
}

function segName(n: number): string {
  return String(n).padStart(12, '0') + '.wal';
}

/** The WAL of one store. Not safe for two processes at once (the store owns its directory). */
export class WriteAheadLog {
  private readonly dir: string;
  private readonly fsyncIntervalMs: number;
  private fd = -1;
  private segment = 0;
  private dirty = false;
  private syncing = false;
  private timer: NodeJS.Timeout | undefined;
  private written = 0;
  private closed = false;

  private constructor(dir: string, fsyncIntervalMs: number) {
    this.dir = dir;
    this.fsyncIntervalMs = fsyncIntervalMs;
  }

  /**
   * Opens (creating) the directory. Call {@link replay} before the first append.
   * @throws StoreError when the directory cannot be created or read.
   */
  static open(dir: string, fsyncIntervalMs: number): WriteAheadLog {
    try {
      mkdirSync(dir, { recursive: true });
      readdirSync(dir);
    } catch (e) {
      throw new StoreError(
        `cannot open WAL directory ${dir}: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
    return new WriteAheadLog(dir, fsyncIntervalMs);
  }

  /**
   * Binds the directory to the database `storeId` (a file `STORE_ID`): written when missing, checked when present,
   * so that a WAL is never replayed into another database (whose series ids would not match).
   * @throws StoreError when the directory belongs to another store.
   */
  bindTo(storeId: string): void {
    const file = join(this.dir, 'STORE_ID');
    let found: string | undefined;
    try {
      found = readFileSync(file, 'utf8').trim();
    } catch {
      found = undefined;
    }
    if (found === undefined) {
      writeFileSync(file, storeId + '\n');
      return;
    }
    if (found !== storeId) {
      throw new StoreError(
        `WAL directory ${this.dir} belongs to another database (store id ${found}, this database has ${storeId}); move it away or configure another walDir`,
      );
    }
  }

  /** Segment numbers on disk, ascending. */
  segments(): number[] {
    return readdirSync(this.dir)
      .map((f) => SEGMENT.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  /** Bytes appended since the last {@link rotate} (or open). */
  get bytesSinceRotate(): number {
    return this.written;
  }

  /**
   * Reads every valid record of every segment in order, calling `onRecord` with each payload; truncates a torn
   * tail of the last segment; then opens a new segment for appends.
   * @throws StoreError when a segment cannot be read; errors thrown by `onRecord` propagate.
   */
  replay(onRecord: (payload: Buffer) => void): WalReplayStats {
    const segs = this.segments();
    let records = 0;
    let droppedBytes = 0;
    for (let k = 0; k < segs.length; k++) {
      const path = join(this.dir, segName(segs[k]!));
      let buf: Buffer;
      try {
        buf = readFileSync(path);
      } catch (e) {
        throw new StoreError(
          `cannot read WAL segment ${path}: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e },
        );
      }
      let off = 0;
      while (off + 8 <= buf.length) {
        const len = buf.readUInt32LE(off);
        const sum = buf.readUInt32LE(off + 4);
        if (len > MAX_WAL_RECORD_BYTES || off + 8 + len > buf.length) break;
        const payload = buf.subarray(off + 8, off + 8 + len);
        if (crc32(payload) !== sum) break;
        onRecord(payload);
        records++;
        off += 8 + len;
      }
      if (off < buf.length) {
        droppedBytes += buf.length - off;
        truncateSync(path, off);
      }
    }
    this.openSegment((segs[segs.length - 1] ?? 0) + 1);
    return { segments: segs.length, records, droppedBytes };
  }

  /**
   * Appends one record (one write(2) of the whole frame).
   * @throws StoreError when the log is closed, the payload is too large or the write fails.
   */
  append(payload: Uint8Array): void {
    if (this.fd < 0) throw new StoreError('WAL is not open (closed, or replay was not called)');
    if (payload.length > MAX_WAL_RECORD_BYTES)
      throw new StoreError(`WAL record of ${payload.length} bytes exceeds ${MAX_WAL_RECORD_BYTES}`);
    const frame = Buffer.allocUnsafe(8 + payload.length);
    frame.writeUInt32LE(payload.length, 0);
    frame.writeUInt32LE(crc32(payload), 4);
    frame.set(payload, 8);
    try {
      let off = 0;
      while (off < frame.length) off += writeSync(this.fd, frame, off, frame.length - off);
    } catch (e) {
      throw new StoreError(`WAL write failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    this.written += frame.length;
    this.dirty = true;
  }

  /**
   * Starts a new segment; returns the number of the first segment that is still needed (the new one): every
   * segment before it may be removed once the data it holds is in the database.
   * @throws StoreError when the new segment cannot be created.
   */
  rotate(): number {
    const next = this.segment + 1;
    this.closeFd(true);
    this.openSegment(next);
    return next;
  }

  /** Deletes the segments numbered below `first`. Returns how many were deleted. */
  removeSegmentsBefore(first: number): number {
    let n = 0;
    for (const s of this.segments()) {
      if (s >= first) break;
      rmSync(join(this.dir, segName(s)), { force: true });
      n++;
    }
    return n;
  }

  /** Bytes of all segments on disk. */
  diskBytes(): number {
    let total = 0;
    for (const s of this.segments()) total += statSync(join(this.dir, segName(s))).size;
    return total;
  }

  /** Fsyncs and closes; later calls are no-ops. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.closeFd(true);
  }

  private openSegment(n: number): void {
    const path = join(this.dir, segName(n));
    try {
      this.fd = openSync(path, 'a');
    } catch (e) {
      throw new StoreError(
        `cannot create WAL segment ${path}: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
    this.segment = n;
    this.written = 0;
    if (!this.timer) {
      this.timer = setInterval(() => this.syncSoon(), this.fsyncIntervalMs);
      this.timer.unref();
    }
  }

  private syncSoon(): void {
    if (!this.dirty || this.syncing || this.fd < 0) return;
    this.dirty = false;
    this.syncing = true;
    const fd = this.fd;
    fsync(fd, () => {
      this.syncing = false;
    });
  }

  private closeFd(sync: boolean): void {
    if (this.fd < 0) return;
    try {
      if (sync) fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.fd = -1;
      this.dirty = false;
    }
  }
}
