/**
 * One streamed pass over a file's bytes before it is imported: its sha256 (re-import detection,
 * docs/import.md), whether a gzip stream is complete, and whether the file has *plain fields*: no
 * field, quoted or not, starts or ends with a blank that `trim` would remove (a space or a Unicode
 * space separator) — trimming every field, a costly step (it was most of the validation's time on
 * a quoted 10M-event log), can then be skipped (`insert-event-log.ts`).
 * The searches are native byte searches on each chunk; they cost little beside the hash.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isAscii } from 'node:buffer';
import { once } from 'node:events';
import { createGunzip, type Gunzip } from 'node:zlib';
import { ImportInputError } from './detect-format.ts';

export interface FileScan {
  readonly sha256: string;
  /** True when no field can have surrounding blanks (see the module comment). */
  readonly plainFields: boolean;
}

/** UTF-8 of the Unicode space separators DuckDB's `trim` removes besides the ASCII space. */
const UNICODE_SPACES = [
  [0xc2, 0xa0], [0xe1, 0x9a, 0x80], [0xe2, 0x80, 0xaf], [0xe2, 0x81, 0x9f], [0xe3, 0x80, 0x80],
  ...Array.from({ length: 11 }, (_, i) => [0xe2, 0x80, 0x80 + i]),
].map((bytes) => Buffer.from(bytes));

/**
 * Whether `bytes` (with the last byte of the previous chunk in front, so that no pair is missed at
 * a chunk boundary) may hold a field with surrounding blanks, for fields separated by `delimiter`.
 */
function mayHavePaddedField(bytes: Buffer, spacePairs: readonly Buffer[]): boolean {
  if (!isAscii(bytes) && UNICODE_SPACES.some((space) => bytes.includes(space))) return true;
  return bytes.includes(0x20) && spacePairs.some((pair) => bytes.includes(pair));
}

/** Resolves when `stream` has produced all its output (discarded); rejects on its error. */
function drain(stream: Gunzip): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('data', () => undefined);
    stream.once('end', resolve);
    stream.once('error', reject);
  });
}

function gzip(path: string): boolean {
  return path.toLowerCase().endsWith('.gz');
}

/**
 * Hashes and scans `path` (raw bytes: a gzip file's fields are never called plain). `delimiter`
 * is the CSV field delimiter (for plain fields); `name` is how errors name the file.
 *
 * @throws ImportInputError when a `.gz` file is not a complete gzip stream.
 */
export async function scanFile(path: string, delimiter: string, onBytes?: (bytes: number) => void, name = path): Promise<FileScan> {
  const hash = createHash('sha256');
  // A blank beside a quote may pad a quoted field's content (`" a"`), which is unquoted before trimming.
  const spacePairs = [` ${delimiter}`, `${delimiter} `, ' \n', '\n ', ' \r', '\r ', ' "', '" '].map((pair) => Buffer.from(pair));
  let done = 0;
  let plainFields = true;
  let previous: Buffer = Buffer.from('\n'); // the file starts a line
  // A gzip file is also inflated (output discarded): DuckDB reads a truncated stream up to where it
  // stops, silently; zlib reports it (docs/import.md, "Errors").
  const inflate = gzip(path) ? createGunzip() : null;
  const inflated = inflate ? drain(inflate) : Promise.resolve();
  inflated.catch(() => undefined); // awaited below
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    if (inflate && !inflate.write(bytes)) await Promise.race([once(inflate, 'drain'), inflated]);
    if (plainFields && mayHavePaddedField(Buffer.concat([previous, bytes.subarray(0, 3)]), spacePairs)) plainFields = false;
    if (plainFields && mayHavePaddedField(bytes, spacePairs)) plainFields = false;
    previous = bytes.subarray(Math.max(0, bytes.length - 3));
    done += bytes.length;
    onBytes?.(done);
  }
  inflate?.end();
  try {
    await inflated;
  } catch (error) {
    throw new ImportInputError(`${name}: not a complete gzip file (${(error as Error).message}): it may have been cut short; download or copy it again`);
  }
  // The file ends a line.
  if (plainFields && mayHavePaddedField(Buffer.concat([previous, Buffer.from('\n')]), spacePairs)) plainFields = false;
  return { sha256: hash.digest('hex'), plainFields: plainFields && done > 0 && !gzip(path) };
}
