// DuckDB's own load of a CSV file, the yardstick of the import benchmark, run by bench.ts in a
// fresh process: `node bench/bare-load.mjs FILE DATABASE`. Plain `read_csv` stops at the first
// malformed row, so `store_rejects = true` is the practical bare load. DuckDB's default settings,
// a database file (like the app's), the app's thread count when EXPERIMENT_DESK_THREADS is set. Prints one JSON line: seconds, rows, rejects, peak RSS.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [file, database] = process.argv.slice(2);
if (!file || !database) {
  process.stderr.write('usage: node bench/bare-load.mjs FILE DATABASE\n');
  process.exit(2);
}
// The thread count of the app's run it is compared with (EXPERIMENT_DESK_THREADS), else DuckDB's.
const threads = process.env.EXPERIMENT_DESK_THREADS;
const instance = await DuckDBInstance.create(database, threads ? { threads } : {});
const connection = await instance.connect();
const started = performance.now();
await connection.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}', store_rejects = true)`);
const seconds = (performance.now() - started) / 1000;
const count = async (sql) => Number((await connection.runAndReadAll(sql)).getRows()[0][0]);
const rows = await count('SELECT count(*) FROM t');
const rejects = await count('SELECT count(*) FROM reject_errors');
connection.closeSync();
instance.closeSync();
const status = readFileSync('/proc/self/status', 'utf8');
const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
process.stdout.write(`${JSON.stringify({ seconds, rows, rejects, peakRssBytes: peakKiB * 1024 })}\n`);
