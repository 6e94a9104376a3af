/**
 * `npm run gen -- --events N --out FILE [--format csv|parquet|ndjson] [--seed S] [--file-gb G]
 *   [--broken-share X] [--quoted [--multiline-share X]]`:
 * writes a canonical event log of exactly N data rows (or about G GB of CSV) with the DuckDB scale
 * generator (data/simulate/duckdb-event-log.ts) and prints its summary as JSON. `--quoted` gives
 * real exports' shape: quoted fields with commas, quoted line breaks and unclosed quotes.
 */
import { totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { openDatabase } from '../data/database.ts';
import { DEFAULT_SCALE_OPTIONS, generateScaleEventLog, type ScaleFormat, type ScaleOptions, type ScaleTruth } from '../data/simulate/duckdb-event-log.ts';

/** CSV bytes per row of the scale log, measured (≈ 113 B): sizes `--file-gb`. */
export const CSV_BYTES_PER_ROW = 113;

/** `10M`, `1.5m`, `200k`, `1e6`, `1000000` → a row count. */
export function parseCount(text: string): number {
  const m = /^\s*([0-9.]+(?:e[0-9]+)?)\s*([kKmMgG]?)\s*$/.exec(text);
  if (!m) throw new RangeError(`not a count: ${text}`);
  const scale = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  const n = Math.round(Number(m[1]) * scale);
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`not a count: ${text}`);
  return n;
}

/** Generates one log with a fresh in-memory DuckDB. */
export async function generate(out: string, options: Partial<ScaleOptions> & { events: number }): Promise<ScaleTruth> {
  // The generator is a tool, not the app: let DuckDB use half the memory (large logs sort in it).
  const db = await openDatabase(':memory:', { memoryLimit: `${Math.floor(totalmem() / 2 / 1048576)}MiB` });
  try {
    return await generateScaleEventLog(db, out, { ...DEFAULT_SCALE_OPTIONS, ...options });
  } finally {
    await db.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, seed: { type: 'string' },
      'file-gb': { type: 'string' }, days: { type: 'string' }, 'broken-share': { type: 'string' },
      quoted: { type: 'boolean' }, 'multiline-share': { type: 'string' },
    },
  });
  if (!values.out || (!values.events && !values['file-gb'])) {
    process.stderr.write('usage: npm run gen -- --events N --out FILE [--format csv|parquet|ndjson] [--seed S] [--file-gb G]\n' +
      '                       [--broken-share X] [--quoted [--multiline-share X]]\n');
    return 2;
  }
  const events = values.events ? parseCount(values.events) : Math.round((Number(values['file-gb']) * 1e9) / CSV_BYTES_PER_ROW);
  const format = (values.format ?? 'csv') as ScaleFormat;
  const truth = await generate(values.out, {
    events, format,
    ...(values.seed !== undefined && { seed: Number(values.seed) }),
    ...(values.days !== undefined && { days: Number(values.days) }),
    ...(values['broken-share'] !== undefined && { brokenShare: Number(values['broken-share']) }),
    ...(values.quoted && { quoted: true }),
    ...(values['multiline-share'] !== undefined && { multilineShare: Number(values['multiline-share']) }),
  });
  const { experiments: _experiments, ...summary } = truth;
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.stderr.write(`wrote ${truth.rowsWritten.toLocaleString('en')} rows (${(truth.bytes / 1e6).toFixed(0)} MB) to ${truth.path} in ${truth.seconds.toFixed(1)} s\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code), (error: unknown) => {
    process.stderr.write(`gen: ${(error as Error).message}\n`);
    process.exitCode = error instanceof RangeError ? 2 : 1;
  });
}
