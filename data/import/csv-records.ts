/**
 * CSV records and fields from the staged physical lines (`staged-lines.ts`), in memory that does
 * not grow with the file (docs/import.md, "CSV records").
 *
 * RFC 4180: a field may be quoted (`"…"`, a quote inside written `""`), and a quoted field may hold
 * the delimiter and line breaks. A record therefore spans several physical lines exactly when a
 * quoted field is still open at a line's end — which needs an odd number of quote characters on
 * the line where it opens and on the line where it closes. Those lines ("toggles") are few, so:
 * 1. one parallel pass keeps the toggle lines, each with whether it can open a quoted field
 *    (starting outside quotes) and whether it can close one (starting inside);
 * 2. Node pairs them in line order (a small list), recovering from a stray quote: an opener whose
 *    next toggle line cannot close it, or that has none within {@link MAX_RECORD_LINES} lines, is
 *    a one-line malformed record, and that next line is read as if outside quotes;
 * 3. the lines of each multi-line record are joined (a join on the few lines concerned);
 * 4. every record's fields: split at the delimiter when it has no quote, else matched against the
 *    RFC 4180 grammar (a record that does not match is `malformed_record`).
 * No window over the whole file, no per-record aggregate of every line: every pass streams.
 */
import { DuckDBDataChunk, INTEGER } from '@duckdb/node-api';
import { quoteIdentifier, toNumber, type Database } from '../database.ts';
import type { StagedSource } from './staged-source.ts';

/** A quoted field may span at most this many physical lines; beyond, its opening line is malformed. */
export const MAX_RECORD_LINES = 10_000;

/** Rows per appended chunk (DuckDB's vector size). */
const CHUNK_ROWS = 2048;

/** The regular expressions (RE2) of one delimiter: a field, a record, a line that opens or closes a quoted field. */
export function csvGrammar(delimiter: string): { field: string; record: string; opens: string; closes: string; fieldThenDelimiter: string } {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') throw new RangeError(`unsupported delimiter ${JSON.stringify(delimiter)}`);
  const d = delimiter.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  const quoted = '"(?:[^"]|"")*"';
  // An unquoted field may hold a quote, just not as its first character (read literally, as
  // pandas and most exports' readers do: `5" screen`).
  const unquoted = `(?:[^"${d}][^${d}]*)?`;
  const field = `(?:${quoted}|${unquoted})`;
  return {
    field,
    record: `${field}(?:${d}${field})*`,
    opens: `(?:${field}${d})*"(?:[^"]|"")*`,
    closes: `(?:[^"]|"")*"(?:${d}${field})*`,
    fieldThenDelimiter: `(${quoted}|${unquoted})${d}`,
  };
}

/**
 * Column names of a CSV header as the importer uses them: trimmed, an empty name becomes
 * `column<i>` (0-based), a repeated name gets `_1`, `_2`, … — DuckDB's own naming, so that names
 * saved with earlier mappings still match.
 */
export function normaliseHeader(fields: readonly string[]): string[] {
  // Without regard to case, as DuckDB's identifiers: `a,A` is `a, A_1` (two names differing only
  // in case cannot both be columns of the staged relation).
  const seen = new Map<string, number>();
  const taken = new Set<string>();
  return fields.map((raw, i) => {
    const base = raw.trim() === '' ? `column${i}` : raw.trim();
    const key = base.toLowerCase();
    let name = base;
    for (let k = seen.get(key) ?? 0; taken.has(name.toLowerCase()); k++) {
      name = `${base}_${k + 1}`;
      seen.set(key, k + 1);
    }
    taken.add(name.toLowerCase());
    return name;
  });
}

/**
 * Line ranges [start, stop] of the multi-line records, from the toggle lines given in line order
 * (see the module comment): `push` each toggle, then read `ranges` (flat: start, stop, start, …).
 */
export function togglePairing(maxLines = MAX_RECORD_LINES): { push: (n: number, canOpen: boolean, canClose: boolean) => void; readonly ranges: number[] } {
  const ranges: number[] = [];
  let open = -1;
  return {
    ranges,
    push(n, canOpen, canClose) {
      if (open >= 0 && n - open >= maxLines) open = -1; // the opener never closed in time
      if (open >= 0 && canClose) {
        ranges.push(open, n);
        open = -1;
      } else {
        // Outside a quoted field; or inside one that this line cannot close, so its opener was a
        // stray quote (a record of its own, malformed) and this line is read from outside.
        open = canOpen ? n : -1;
      }
    },
  };
}

/**
 * The CSV file staged in `stage_plain_lines` as a {@link StagedSource}: its data records (the
 * header line excluded), each with the fields named by `header` and `__problem`
 * `wrong_column_count` or `malformed_record` where the record does not fit. Creates the temp
 * tables `stage_cover` (line → first line of its multi-line record) and `stage_multiline`.
 */
export async function csvSource(db: Database, delimiter: string, header: readonly string[]): Promise<StagedSource> {
  const grammar = csvGrammar(delimiter);
  const quoteCount = `(length(line) - length(replace(line, '"', '')))`;
  const pairing = togglePairing();
  for await (const rows of db.stream(`
    SELECT n::INTEGER AS n, regexp_full_match(line, $opens) AS can_open, regexp_full_match(line, $closes) AS can_close
    FROM stage_plain_lines WHERE contains(line, '"') AND ${quoteCount} % 2 = 1 ORDER BY n`,
  { opens: grammar.opens, closes: grammar.closes })) {
    for (const row of rows) pairing.push(row.n as number, row.can_open === true, row.can_close === true);
  }
  const { ranges } = pairing;
  await db.run('CREATE OR REPLACE TEMP TABLE stage_cover (n INTEGER, start INTEGER)');
  if (ranges.length > 0) {
    await db.append('stage_cover', async (appendChunk) => {
      let lines: number[] = [];
      let starts: number[] = [];
      const flush = (): void => {
        const chunk = DuckDBDataChunk.create([INTEGER, INTEGER], lines.length);
        chunk.setColumns([lines, starts]);
        appendChunk(chunk);
        lines = [];
        starts = [];
      };
      for (let r = 0; r < ranges.length; r += 2) {
        for (let n = ranges[r]!; n <= ranges[r + 1]!; n++) {
          lines.push(n);
          starts.push(ranges[r]!);
          if (lines.length === CHUNK_ROWS) flush();
        }
      }
      if (lines.length > 0) flush();
    });
  }
  await db.run(`
    CREATE OR REPLACE TEMP TABLE stage_multiline AS
    SELECT c.start AS n, string_agg(coalesce(l.line, ''), chr(10) ORDER BY l.n) AS line
    FROM stage_plain_lines l JOIN stage_cover c ON c.n = l.n GROUP BY c.start`);
  const counts = (await db.query<{ multiline: bigint; bad: bigint }>(
    'SELECT (SELECT count(*) FROM stage_multiline) AS multiline, (SELECT count(*) FROM stage_bad_lines) AS bad'))[0]!;
  const multiLineRecords = toNumber(counts.multiline)!;
  // Physical lines that are records of their own, the joined ones, and the lines that could not
  // be read (`bad`: why), which are malformed records.
  const records = multiLineRecords === 0 && toNumber(counts.bad) === 0
    ? '(SELECT n, line, NULL::VARCHAR AS bad FROM stage_plain_lines)'
    : `(SELECT n, line, NULL::VARCHAR AS bad FROM stage_plain_lines ${multiLineRecords > 0 ? 'WHERE n NOT IN (SELECT n FROM stage_cover)' : ''}
        UNION ALL SELECT n, line, NULL FROM stage_multiline UNION ALL SELECT n, raw, detail FROM stage_bad_lines)`;
  const unquote = `list_transform(regexp_extract_all(line || $delim, $csv_field, 1),
                     lambda f: CASE WHEN starts_with(f, '"') THEN replace(f[2:-2], '""', '"') ELSE f END)`;
  const fields = `CASE WHEN bad IS NOT NULL THEN NULL WHEN NOT contains(line, '"') THEN string_split(line, $delim)
                       WHEN regexp_full_match(line, $csv_record) THEN ${unquote} END`;
  const columns = header.map((name, i) => `nullif(__f[${i + 1}], '') AS ${quoteIdentifier(name)}`).join(', ');
  const relation = (only?: string): string => `(
    SELECT __line, __raw,
      CASE WHEN __f IS NULL THEN 'malformed_record' WHEN len(__f) <> $csv_fields THEN 'wrong_column_count' END AS __problem,
      CASE WHEN __bad IS NOT NULL THEN __bad
           WHEN __f IS NULL THEN 'unbalanced quotes: a quoted field must close, followed by a delimiter or the end of the record'
           WHEN len(__f) <> $csv_fields THEN 'Expected Number of Columns: ' || $csv_fields || ' Found: ' || len(__f) END AS __detail,
      ${columns}
    FROM (SELECT n AS __line, line AS __raw, bad AS __bad, ${fields} AS __f FROM ${records}
          WHERE n > 1 AND line IS NOT NULL ${only ? `AND n IN (SELECT line FROM ${only})` : ''}))`;
  return {
    header,
    relation,
    params: { delim: delimiter, csv_field: grammar.fieldThenDelimiter, csv_record: grammar.record, csv_fields: header.length },
    multiLineRecords,
  };
}
