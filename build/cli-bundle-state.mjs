// Whether the compiled command line in dist/cli/ was built from the sources as they are now.
//
// build/build-cli.mjs writes dist/cli/manifest.json beside the bundle: the bundle's entry file,
// every source file it was built from (paths relative to the repository root) and a SHA-256
// digest of those files' contents. bin/experiment-desk.js runs the bundle only when the
// digest of the files on disk is still the same, so an edited, added-to or checked-out source
// tree never runs old code: it runs the sources through tsx until the next `npm run build:cli`.
// Hashing the ~100 files takes a few milliseconds; file times would miss a file restored with
// an older time stamp.
//
// Plain JavaScript with Node built-ins only: the bin imports it before anything else.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const MANIFEST_NAME = 'manifest.json';

/** Files besides the bundled sources whose content changes the bundle (relative to the root). */
export const BUILD_INPUTS = ['tsconfig.json', 'build/build-cli.mjs'];

/**
 * SHA-256 over the files' relative paths and contents (in the order given), read from `root`
 * unless `contents` already holds the content a relative path had when it was compiled.
 * Throws when a file cannot be read.
 *
 * @param {string} root
 * @param {readonly string[]} inputs
 * @param {ReadonlyMap<string, string | Uint8Array>} [contents]
 */
export function sourceDigest(root, inputs, contents = new Map()) {
  const hash = createHash('sha256');
  for (const input of inputs) {
    const content = contents.get(input) ?? readFileSync(path.join(root, input));
    hash.update(`${input}\0${Buffer.byteLength(content)}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

/**
 * The file URL of the bundle's entry in `outdir` when its manifest matches the sources under
 * `root`; null when there is no bundle, its manifest is unreadable or any source differs.
 *
 * @param {string} root
 * @param {string} [outdir]
 * @returns {string | null}
 */
export function currentBundle(root, outdir = path.join(root, 'dist', 'cli')) {
  try {
    const manifest = JSON.parse(readFileSync(path.join(outdir, MANIFEST_NAME), 'utf8'));
    if (typeof manifest.entry !== 'string' || !Array.isArray(manifest.inputs) || typeof manifest.digest !== 'string') return null;
    const entry = path.join(outdir, manifest.entry);
    if (!existsSync(entry) || sourceDigest(root, manifest.inputs) !== manifest.digest) return null;
    return pathToFileURL(entry).href;
  } catch {
    return null;
  }
}
