/** Temporary files for tests, removed after each test file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll } from 'vitest';

export function tempDir(): { path: (name: string) => string; write: (name: string, content: string, gzip?: boolean) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'experiment-desk-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    path: (name) => join(dir, name),
    write: (name, content, gzip = false) => {
      const path = join(dir, name);
      writeFileSync(path, gzip ? gzipSync(content) : content);
      return path;
    },
  };
}
