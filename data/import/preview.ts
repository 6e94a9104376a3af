/**
 * File preview for the mapping dialog: header, first rows, the mapping the importer would use
 * without flags, and guesses for every mapping field (by column names and sample values).
 */
import { basename } from 'node:path';
import type { FilePreview } from '../../contract/desk-api.ts';
import type { MappingOptions } from '../../contract/mapping.ts';
import { quoteIdentifier, type Database } from '../database.ts';
import { arrowDistinct, arrowHead } from './arrow-ipc.ts';
import { ImportInputError, sniffFile } from './detect-format.ts';
import { headerSignature, resolveMapping, columnMappingSchema, type ColumnMapping } from './mapping.ts';

const PREVIEW_ROWS = 20;
/**
 * Rows whose variant values the dialog offers as control: the start of the file, so that the
 * dialog opens in well under a second whatever the file's size (a variant first seen later can
 * still be typed in).
 */
const VARIANT_SAMPLE_ROWS = 50_000;

const UNIT_NAMES = /^(user_?id|userid|unit(_?id)?|customer_?id|visitor_?id|client_?id|account_?id|uid|id)$/i;
const VARIANT_NAMES = /^(variant(_?id|_?key)?|group|arm|version|treatment|bucket|segment|cohort|experiment_?group|promotion)$/i;
const TIMESTAMP_NAMES = /(time|date|^ts$|recorded|created)/i;
const EXPERIMENT_NAMES = /^(experiment(_?id)?|test(_?id)?|slug)$/i;
const CONTROL_VALUES = /^(control|ctrl|baseline|a|no[ _-]?e-?mail|default|old)$/i;

function isNumeric(value: string | null): boolean {
  if (value === null || value.trim() === '') return true;
  return /^(true|false)$/i.test(value.trim()) || Number.isFinite(Number(value));
}

/**
 * Reads the first rows of `path` and returns the preview.
 * @throws ImportInputError when the file cannot be read.
 */
export async function previewFile(db: Database, path: string, displayName = basename(path)): Promise<FilePreview> {
  const sniff = await sniffFile(path);
  let rows: Record<string, unknown>[];
  let arrow: { header: string[]; rows: (string | null)[][] } | null = null;
  try {
    if (sniff.format === 'csv') {
      rows = await db.query(`SELECT * FROM read_csv($path, delim = $delim, quote = '"', escape = '"', header = true, all_varchar = true, ignore_errors = true) LIMIT ${PREVIEW_ROWS}`, { path, delim: sniff.delimiter });
    } else if (sniff.format === 'ndjson') {
      rows = await db.query(`SELECT * FROM read_json($path, format = 'newline_delimited', ignore_errors = true) LIMIT ${PREVIEW_ROWS}`, { path });
    } else if (sniff.format === 'arrow') {
      arrow = await arrowHead(path, PREVIEW_ROWS);
      rows = [];
    } else {
      rows = await db.query(`SELECT * FROM read_parquet($path) LIMIT ${PREVIEW_ROWS}`, { path });
    }
  } catch (error) {
    throw new ImportInputError(`${displayName}: cannot be read (${(error as Error).message.split('\n')[0]})`);
  }
  const header = arrow ? arrow.header : rows.length > 0 ? Object.keys(rows[0]!) : [...sniff.header];
  const text = arrow ? arrow.rows : rows.map((row) => header.map((name) => (row[name] === null || row[name] === undefined ? null : String(row[name]))));
  const column = (name: string): (string | null)[] => text.map((r) => r[header.indexOf(name)] ?? null);

  const saved = await db.query<{ mapping: string }>('SELECT mapping FROM column_mappings WHERE header_signature = $sig', { sig: headerSignature(header) });
  const savedMapping = saved[0] ? columnMappingSchema.safeParse(JSON.parse(String(saved[0].mapping))) : null;
  let recognised: ColumnMapping | null = null;
  try {
    recognised = resolveMapping(header, {}, savedMapping?.success ? savedMapping.data : undefined);
  } catch {
    recognised = null;
  }

  const unit = header.find((h) => UNIT_NAMES.test(h));
  const experiment = header.find((h) => EXPERIMENT_NAMES.test(h));
  const timestamp = header.find((h) => TIMESTAMP_NAMES.test(h) && column(h).some((v) => v !== null && !Number.isNaN(Date.parse(v))));
  const variant = header.find((h) => VARIANT_NAMES.test(h)) ??
    header.find((h) => h !== unit && !column(h).every(isNumeric) && new Set(column(h)).size <= 5);
  const taken = new Set([unit, experiment, timestamp, variant]);
  const metrics = header.filter((h) => !taken.has(h) && column(h).every(isNumeric));
  const variantValues = !variant ? [] : sniff.format === 'arrow' ? await arrowDistinct(path, variant, 50)
    : (await db.query<{ v: string }>(`SELECT DISTINCT v FROM (SELECT CAST(${quoteIdentifier(variant)} AS VARCHAR) AS v FROM ${readExpression(sniff.format)} LIMIT ${VARIANT_SAMPLE_ROWS}) WHERE v IS NOT NULL ORDER BY v LIMIT 50`,
      { path, ...(sniff.format === 'csv' ? { delim: sniff.delimiter } : {}) })).map((r) => r.v);
  const control = variantValues.find((v) => CONTROL_VALUES.test(v.trim()));
  const guess: MappingOptions = {
    ...(unit && { unit }), ...(variant && { variant }), ...(timestamp && { timestamp }), ...(experiment && { experiment }),
    ...(control && { control }), ...(metrics.length > 0 && { metrics }),
  };
  return { name: displayName, header, rows: text, recognised, guess, variantValues };
}

function readExpression(format: 'csv' | 'ndjson' | 'parquet'): string {
  if (format === 'csv') return `read_csv($path, delim = $delim, quote = '"', escape = '"', header = true, all_varchar = true, ignore_errors = true)`;
  if (format === 'ndjson') return `read_json($path, format = 'newline_delimited', ignore_errors = true)`;
  return 'read_parquet($path)';
}
