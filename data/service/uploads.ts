/**
 * Files the loopback web host received from the browser (which cannot give paths): each is kept
 * under its own random folder with its original name (so a unit table's experiment is named
 * after the file) until the host stops.
 *
 * Uploads are private and bounded: folders are created 0700 and files 0600 (owner only); a body
 * over the size limit (`DEFAULT_MAX_UPLOAD_BYTES` unless the host sets another) is refused with
 * `UploadTooLargeError` and its partial file removed. A host keeps each run's uploads in a folder
 * of its own (`uploadRunFolder`), which also removes what a crashed earlier run left behind.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * 20 GiB: four times the largest file the benchmarks import (a 4.9 GiB CSV), well under a
 * disk's free space on a working machine. Hosts may set another limit.
 */
export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 ** 3;

/** Prefix of a run's upload folder (`uploadRunFolder`): `experiment-desk-<pid>-XXXXXX`. */
const RUN_PREFIX = 'experiment-desk-';
const RUN_FOLDER = /^experiment-desk-(\d+)-[A-Za-z0-9]{6}$/;
/** Longest file name kept, in UTF-8 bytes (file systems allow 255). */
const MAX_NAME_BYTES = 200;

export interface Upload {
  readonly path: string;
  readonly name: string;
}

export interface SaveOptions {
  /** Refuse a body longer than this many bytes (default `DEFAULT_MAX_UPLOAD_BYTES`). */
  readonly maxBytes?: number;
}

export interface UploadStore {
  /**
   * Streams `body` to disk; resolves to its upload id.
   * @throws UploadTooLargeError when the body is over the limit (nothing is kept).
   */
  save(name: string, body: Readable, options?: SaveOptions): Promise<string>;
  resolve(uploadId: string): Upload | undefined;
  clear(): Promise<void>;
}

/** A body over the upload size limit. */
export class UploadTooLargeError extends Error {
  override readonly name = 'UploadTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`the upload is larger than the limit of ${formatBytes(maxBytes)}`);
  }
}

/** `20 GiB`, `512 MiB`, `1000 bytes`. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['TiB', 1024 ** 4], ['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};

/** A size such as `1000`, `500MiB`, `2.5GB`, `20 GiB` in bytes, or null when it is not one (or not positive). */
export function parseByteSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text);
  const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) return null;
  const bytes = Math.floor(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : null;
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    bytes += Buffer.byteLength(ch);
    if (bytes > maxBytes) break;
    out += ch;
  }
  return out;
}

/** Upload names are reduced to a safe base name: no folders, no control characters, at most 200 bytes. */
export function safeFileName(name: string): string {
  const base = [...basename(name.replaceAll('\\', '/'))]
    .map((ch) => (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 || '<>:"|?*'.includes(ch) ? '_' : ch))
    .join('')
    .trim();
  if (base === '' || base === '.' || base === '..') return 'upload';
  if (Buffer.byteLength(base) <= MAX_NAME_BYTES) return base;
  // Too long: keep the extension (the importer reads the type from it) when it is short.
  const extension = extname(base);
  const keep = Buffer.byteLength(extension) <= 16 ? extension : '';
  return truncateUtf8(base.slice(0, base.length - keep.length), MAX_NAME_BYTES - Buffer.byteLength(keep)) + keep;
}

/** Passes bytes through until more than `maxBytes` went by, then fails with `UploadTooLargeError`. */
function byteLimit(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(new UploadTooLargeError(maxBytes));
      else callback(null, chunk);
    },
  });
}

/** Creates `folder` (and its parents) owner-only; an existing folder is made owner-only too. */
async function privateFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await chmod(folder, 0o700);
}

export function uploadStore(directory: string): UploadStore {
  const uploads = new Map<string, Upload>();
  return {
    async save(name, body, options = {}) {
      const maxBytes = options.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
      const uploadId = randomUUID();
      await privateFolder(directory);
      const folder = join(directory, uploadId);
      await mkdir(folder, { mode: 0o700 });
      const fileName = safeFileName(name);
      const path = join(folder, fileName);
      try {
        await pipeline(body, byteLimit(maxBytes), createWriteStream(path, { flags: 'wx', mode: 0o600 }));
      } catch (error) {
        await rm(folder, { recursive: true, force: true });
        throw error;
      }
      uploads.set(uploadId, { path, name: fileName });
      return uploadId;
    },
    resolve: (uploadId) => uploads.get(uploadId),
    async clear() {
      uploads.clear();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** When this process started (ms since the epoch). */
const PROCESS_START_MS = Date.now() - process.uptime() * 1000;

/**
 * Removes what earlier runs left in `root` (a host that crashed cannot clear its uploads): only
 * this app's run folders (`experiment-desk-<pid>-XXXXXX`, real folders, not links), only when
 * older than this process and their process is gone. Anything else in `root` is left alone.
 * Resolves to the paths removed.
 */
export async function removeStaleUploads(root: string, startedAtMs = PROCESS_START_MS): Promise<string[]> {
  const removed: string[] = [];
  const entries = await readdir(root).catch(() => [] as string[]);
  for (const entry of entries) {
    const pid = RUN_FOLDER.exec(entry)?.[1];
    if (pid === undefined || Number(pid) === process.pid) continue;
    const path = join(root, entry);
    const info = await lstat(path).catch(() => null);
    if (!info?.isDirectory() || info.mtimeMs >= startedAtMs || processIsAlive(Number(pid))) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

/**
 * A fresh owner-only folder for this run's uploads under `root` (created 0700 if absent), after
 * removing stale run folders of crashed earlier runs. The host removes it when it stops.
 */
export async function uploadRunFolder(root: string): Promise<string> {
  await privateFolder(root);
  await removeStaleUploads(root);
  return mkdtemp(join(root, `${RUN_PREFIX}${process.pid}-`));
}
