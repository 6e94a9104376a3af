/**
 * Recognises a file's format from its name and sniffs the CSV delimiter and header from its
 * first bytes (decompressing `.gz`), before DuckDB reads the whole file.
 */
import { open } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { isArrowIpc } from './arrow-ipc.ts';

export type FileFormat = 'csv' | 'ndjson' | 'parquet' | 'arrow';

export interface SniffResult {
  readonly format: FileFormat;
  readonly gzip: boolean;
  /** CSV only: the field delimiter. */
  readonly delimiter: string;
  /** Column names of the first record (CSV) — DuckDB's parse is authoritative later. */
  readonly header: readonly string[];
  /** Average bytes per line of the sampled start (text formats; for progress estimates), if known. */
  readonly bytesPerLine?: number;
  /** NDJSON only: the keys of the objects in the sampled start, in order of first appearance. */
  readonly sampleKeys?: readonly string[];
}

/**
 * Thrown for input the importer cannot read; its message is one line for the user. Messages quote
 * names from the file or its path (a header name with a quoted line break, a file named `a\nb.csv`):
 * control characters are written as escapes (`\n`, `\u0000`) so the message stays one line
 * (docs/security.md, "Imported files").
 */
export class ImportInputError extends Error {
  override readonly name: string = 'ImportInputError';
  constructor(message: string, options?: ErrorOptions) {
    super(oneLine(message), options);
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
/** `text` with C0/C1 controls, DEL and the Unicode line and paragraph separators escaped. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Thrown when a header is not recognised and no mapping was given: the mapping dialog's cue. */
export class MappingRequiredError extends ImportInputError {
  override readonly name = 'MappingRequiredError';
}

/**
 * True for a column name the importer keeps for its own columns while it reads a file (`__line`,
 * `__raw` and the like, docs/analysis-definitions.md): a name that begins with two underscores and
 * does not also end with two (whatever the case: `__LINE` is DuckDB's `__line`) — so pandas'
 * `__index_level_0__` stays an ordinary column.
 */
export function isReservedColumnName(name: string): boolean {
  return name.startsWith('__') && !(name.length > 2 && name.endsWith('__'));
}

/**
 * @throws ImportInputError (one line) when a column of `header` has a reserved name
 * ({@link isReservedColumnName}): its values would overwrite the line numbers or raw text; or a
 * NUL character, which no SQL identifier can hold (DuckDB's parser ends the text there).
 */
export function checkColumnNames(header: readonly string[], path?: string): void {
  const withNul = header.find((name) => name.includes('\0'));
  if (withNul !== undefined) {
    throw new ImportInputError(`${path ? `${path}: ` : ''}column "${withNul}": a column name with a NUL character cannot be imported; rename it`);
  }
  const reserved = header.find(isReservedColumnName);
  if (reserved !== undefined) {
    throw new ImportInputError(
      `${path ? `${path}: ` : ''}column "${reserved}": names that begin with "__" are reserved for the importer's own columns (line numbers, raw text); rename it`,
    );
  }
}

const SNIFF_BYTES = 256 * 1024;
const DELIMITERS = [',', ';', '\t', '|'] as const;

/**
 * Format from the file name: `.csv`, `.tsv`, `.txt` (+`.gz`) → csv; `.ndjson`, `.jsonl`, `.json` →
 * ndjson; `.parquet` → parquet; `.arrow`, `.arrows`, `.feather`, `.ipc` → arrow (Arrow IPC).
 */
export function formatFromPath(path: string): { format: FileFormat; gzip: boolean } | null {
  const lower = path.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const name = gzip ? lower.slice(0, -3) : lower;
  if (name.endsWith('.parquet') || name.endsWith('.pq')) return gzip ? null : { format: 'parquet', gzip };
  if (['.arrow', '.arrows', '.feather', '.ipc'].some((ext) => name.endsWith(ext))) return gzip ? null : { format: 'arrow', gzip };
  if (name.endsWith('.ndjson') || name.endsWith('.jsonl') || name.endsWith('.json')) return { format: 'ndjson', gzip };
  if (name.endsWith('.csv') || name.endsWith('.tsv') || name.endsWith('.txt')) return { format: 'csv', gzip };
  return null;
}

/**
 * Reads the first 256 KiB of `path` and returns its format, delimiter and header.
 * @throws ImportInputError for an unreadable file, an unknown extension, or an empty file.
 */
export async function sniffFile(path: string): Promise<SniffResult> {
  const kind = formatFromPath(path);
  if (!kind) throw new ImportInputError(`${path}: unknown file type (expected .csv, .tsv, .csv.gz, .ndjson, .jsonl, .parquet or .arrow)`);
  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new ImportInputError(`${path}: cannot read file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (head.length === 0) throw new ImportInputError(`${path}: file is empty`);
  if (kind.format === 'parquet') {
    if (head.subarray(0, 4).toString('latin1') !== 'PAR1') throw new ImportInputError(`${path}: not a Parquet file`);
    return { ...kind, delimiter: ',', header: [] };
  }
  if (kind.format === 'arrow') {
    if (!isArrowIpc(head)) throw new ImportInputError(`${path}: not an Arrow IPC file or stream`);
    return { ...kind, delimiter: ',', header: [] };
  }
  const text = kind.gzip ? gunzipPrefix(path, head) : head.toString('utf8');
  const newlines = text.split('\n').length - 1;
  // Of the file's bytes: compressed bytes per line for gzip.
  const bytesPerLine = newlines > 0 ? head.length / newlines / (kind.gzip ? text.length / head.length : 1) : undefined;
  // The last line may be cut when the file is longer than the sample (a header-only file without
  // a final line break is whole: its one line is the header).
  const cut = head.length === SNIFF_BYTES;
  if (kind.format === 'ndjson') {
    const sampleKeys = sampleJsonKeys(text, cut);
    checkColumnNames(sampleKeys, path);
    return { ...kind, delimiter: ',', header: [], sampleKeys, ...(bytesPerLine && { bytesPerLine }) };
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).slice(0, 50);
  if (cut) lines.pop();
  const nonEmpty = lines.filter((line) => line.trim() !== '');
  if (nonEmpty.length === 0) throw new ImportInputError(`${path}: file has no header line`);
  const delimiter = sniffDelimiter(nonEmpty, path.toLowerCase().replace(/\.gz$/, '').endsWith('.tsv'));
  const header = splitRecord(nonEmpty[0]!, delimiter);
  checkColumnNames(header, path);
  return { ...kind, delimiter, header, ...(bytesPerLine && { bytesPerLine }) };
}

/** Keys of the JSON objects on the sampled lines (the last line dropped when it may be cut). */
function sampleJsonKeys(text: string, cut: boolean): string[] {
  const lines = text.split(/\r?\n/);
  if (cut) lines.pop();
  const keys = new Set<string>();
  for (const line of lines) {
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === 'object' && !Array.isArray(value)) for (const key of Object.keys(value)) keys.add(key);
    } catch {
      // not an object: the import rejects the line
    }
  }
  return [...keys];
}

function gunzipPrefix(path: string, head: Buffer): string {
  try {
    return gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH: a prefix is fine */ }).toString('utf8');
  } catch {
    throw new ImportInputError(`${path}: not a valid gzip file`);
  }
}

/**
 * Picks the delimiter whose field count is the same (and > 1) on the most sampled lines,
 * preferring the header's count; ties go to the order `, ; tab |`.
 */
export function sniffDelimiter(lines: readonly string[], tsvName = false): string {
  if (tsvName) return '\t';
  let best: string = ',';
  let bestScore = -1;
  for (const delimiter of DELIMITERS) {
    const counts = lines.map((line) => splitRecord(line, delimiter).length);
    const headerCount = counts[0]!;
    if (headerCount < 2) continue;
    const consistent = counts.filter((count) => count === headerCount).length;
    const score = consistent * 1000 + headerCount;
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

/** Splits one CSV record (RFC 4180 quoting with doubled quotes) for sniffing only. */
export function splitRecord(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}
