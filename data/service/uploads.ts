/**
 * Files the loopback web host received from the browser (which cannot give paths): each is kept
 * under its own random folder with its original name (so a unit table's experiment is named
 * after the file) until the host stops.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';

export interface Upload {
  readonly path: string;
  readonly name: string;
}

export interface UploadStore {
  /** Streams `body` to disk; resolves to its upload id. */
  save(name: string, body: Readable): Promise<string>;
  resolve(uploadId: string): Upload | undefined;
  clear(): Promise<void>;
}

/** Upload names are reduced to a safe base name: no folders, no control characters. */
export function safeFileName(name: string): string {
  const base = [...basename(name.replaceAll('\\', '/'))]
    .map((ch) => (ch.charCodeAt(0) < 32 || '<>:"|?*'.includes(ch) ? '_' : ch))
    .join('')
    .trim();
  return base === '' || base === '.' || base === '..' ? 'upload' : base.slice(0, 200);
}

export function uploadStore(directory: string): UploadStore {
  const uploads = new Map<string, Upload>();
  return {
    async save(name, body) {
      const uploadId = randomUUID();
      const folder = join(directory, uploadId);
      await mkdir(folder, { recursive: true });
      const path = join(folder, safeFileName(name));
      await pipeline(body, createWriteStream(path));
      uploads.set(uploadId, { path, name: safeFileName(name) });
      return uploadId;
    },
    resolve: (uploadId) => uploads.get(uploadId),
    async clear() {
      uploads.clear();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
