/**
 * One fuzz case from files to verdict: writes its files into a folder, runs `import --db` and then
 * `analyze --db … --format json` on the same database, and checks what docs/security.md
 * ("Imported files") promises — exit code 0 or 2, on 2 exactly one line on stderr without a stack
 * trace, on 0 accepted + rejected = rows read for every file, each run within the time limit, and a
 * database that still opens and analyses.
 *
 * The commands run in this process through `cli/main.ts` (fast) or, with `spawn`, as
 * `node bin/experiment-desk.js` child processes (slow, but the honest exit codes and signals).
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArrowColumn, Damage, FuzzCase, FuzzFile } from './generate-cases.ts';

export interface CommandResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

export interface CaseResult {
  readonly index: number;
  readonly name: string;
  /** Empty when the case passed; otherwise one kind per broken promise (`exit-1`, `multi-line-error`, …). */
  readonly failures: { readonly kind: string; readonly detail: string }[];
  readonly importCode: number | null;
  readonly seconds: number;
}

export const STEP_LIMIT_SECONDS = 60;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

type Duck = { run: (sql: string) => Promise<unknown> };
let duck: Promise<Duck> | undefined;
/** A DuckDB connection of the harness's own, to write Parquet files. */
async function harnessDuckDb(): Promise<Duck> {
  duck ??= (async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    return instance.connect();
  })();
  return duck;
}

async function arrowBytes(columns: readonly ArrowColumn[], stream: boolean): Promise<Buffer> {
  const arrow = await import('apache-arrow');
  const types: Record<ArrowColumn['type'], () => InstanceType<typeof arrow.DataType>> = {
    utf8: () => new arrow.Utf8(), float64: () => new arrow.Float64(), int64: () => new arrow.Int64(), bool: () => new arrow.Bool(),
    timestamp_ms: () => new arrow.TimestampMillisecond(), timestamp_ns: () => new arrow.TimestampNanosecond(), null: () => new arrow.Null(),
    date: () => new arrow.DateMillisecond(), dictionary: () => new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()),
  };
  const vectors: Record<string, InstanceType<typeof arrow.Vector>> = {};
  for (const column of columns) {
    let values: unknown[] = [...column.values];
    if (column.type === 'int64') values = values.map((v) => (v === null ? null : BigInt(Math.trunc(Number(v)))));
    if (column.type === 'date') values = values.map((v) => (v === null ? null : new Date(Number(v))));
    vectors[column.name] = arrow.vectorFromArray(values, types[column.type]());
  }
  return Buffer.from(arrow.tableToIPC(new arrow.Table(vectors), stream ? 'stream' : 'file'));
}

function damaged(data: Buffer, damage: Damage | undefined): Buffer {
  if (!damage) return data;
  if ('truncate' in damage) return data.subarray(0, Math.floor(data.length * damage.truncate));
  if ('magic' in damage) return Buffer.concat([Buffer.from(damage.magic, 'latin1'), data.subarray(damage.magic.length)]);
  const copy = Buffer.from(data);
  const at = Math.floor(damage.patch * Math.max(0, copy.length - damage.bytes.length));
  damage.bytes.forEach((b, i) => { if (at + i < copy.length) copy[at + i] = b; });
  return copy;
}

/** Writes the case's files into `dir`. */
export async function materialise(fuzzCase: FuzzCase, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const file of fuzzCase.files as FuzzFile[]) {
    const path = join(dir, file.name);
    switch (file.kind) {
      case 'bytes': writeFileSync(path, file.data); if (file.mode !== undefined) chmodSync(path, file.mode); break;
      case 'dir': mkdirSync(path, { recursive: true }); break;
      case 'symlink': symlinkSync(file.target, path); break;
      case 'arrow': writeFileSync(path, damaged(await arrowBytes(file.columns, file.stream), file.damage)); break;
      case 'parquet': {
        const db = await harnessDuckDb();
        const plain = join(dir, `.plain-${file.name}`);
        await db.run(`COPY (${file.sql}) TO '${plain.replaceAll("'", "''")}' (FORMAT parquet)`);
        writeFileSync(path, damaged(readFileSync(plain), file.damage));
        rmSync(plain);
        break;
      }
    }
  }
}

type Runner = (argv: readonly string[]) => Promise<CommandResult>;

/** Runs the command line in this process (`cli/main.ts`). */
export const inProcess: Runner = async (argv) => {
  const { main } = await import('../../cli/main.ts');
  let stdout = '';
  let stderr = '';
  const started = performance.now();
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, signal: null, stdout, stderr, seconds: (performance.now() - started) / 1000 };
};

/** Runs `node bin/experiment-desk.js` as a child process, killed after the step limit + 5 s. */
export const childProcess: Runner = (argv) => new Promise((resolve) => {
  const started = performance.now();
  execFile(process.execPath, [join(ROOT, 'bin', 'experiment-desk.js'), ...argv], { timeout: (STEP_LIMIT_SECONDS + 5) * 1000, maxBuffer: 64 << 20, encoding: 'utf8' },
    (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
});

const SUMMARY = /([\d,]+) rows read = ([\d,]+) accepted \+ ([\d,]+) rejected/g;
const STACK = /\n\s+at |\bat .*:\d+:\d+\)?/;

/** The broken promises of one command's result. */
function checkCommand(step: string, result: CommandResult): { kind: string; detail: string }[] {
  const failures: { kind: string; detail: string }[] = [];
  const tail = (text: string): string => JSON.stringify(text.length > 400 ? `${text.slice(0, 400)}…` : text);
  if (result.signal) failures.push({ kind: `${step}:signal`, detail: `${result.signal} ${tail(result.stderr)}` });
  else if (result.code !== 0 && result.code !== 2) failures.push({ kind: `${step}:exit-${result.code}`, detail: tail(result.stderr) });
  if (result.seconds > STEP_LIMIT_SECONDS) failures.push({ kind: `${step}:slow`, detail: `${result.seconds.toFixed(1)} s` });
  if (result.code === 2) {
    const lines = result.stderr.split('\n');
    if (!(lines.length === 2 && lines[1] === '' && lines[0]!.startsWith('experiment-desk: ') && lines[0]!.length > 'experiment-desk: '.length + 5)) {
      failures.push({ kind: `${step}:error-not-one-line`, detail: tail(result.stderr) });
    }
    if (STACK.test(result.stderr)) failures.push({ kind: `${step}:stack-trace`, detail: tail(result.stderr) });
  }
  return failures;
}

/** Runs one case in `workDir` (created and removed here unless `keep`). */
export async function runCase(fuzzCase: FuzzCase, workDir: string, options: { run?: Runner; keep?: boolean } = {}): Promise<CaseResult> {
  const run = options.run ?? inProcess;
  const started = performance.now();
  const failures: { kind: string; detail: string }[] = [];
  const dir = join(workDir, `case-${fuzzCase.index}`);
  const dbPath = join(dir, 'db', 'fuzz.duckdb');
  let importCode: number | null = null;
  try {
    rmSync(dir, { recursive: true, force: true });
    await materialise(fuzzCase, join(dir, 'files'));
    mkdirSync(dirname(dbPath), { recursive: true });
    const args = fuzzCase.args.map((a) => a.replaceAll('{dir}', join(dir, 'files')));
    const imported = await run(['import', '--db', dbPath, ...args]);
    importCode = imported.code;
    failures.push(...checkCommand('import', imported));
    if (imported.code === 0) {
      const files = args.filter((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1]!.startsWith('--') || args[i - 1] === '--force')).length;
      const summaries = [...imported.stdout.matchAll(SUMMARY)];
      const skipped = imported.stdout.match(/already imported \(same sha256/g)?.length ?? 0;
      if (summaries.length + skipped !== files) failures.push({ kind: 'import:summary-missing', detail: `${files} files, ${summaries.length + skipped} summaries: ${JSON.stringify(imported.stdout.slice(0, 300))}` });
      for (const [text, read, accepted, rejected] of summaries) {
        const n = (s: string): number => Number(s.replaceAll(',', ''));
        if (n(accepted!) + n(rejected!) !== n(read!)) failures.push({ kind: 'import:accounting', detail: text });
      }
      if (imported.stderr !== '') failures.push({ kind: 'import:stderr-on-success', detail: JSON.stringify(imported.stderr.slice(0, 300)) });
    }
    const analysed = await run(['analyze', '--db', dbPath, '--format', 'json']);
    failures.push(...checkCommand('analyze', analysed));
    if (analysed.code !== 0 && !analysed.signal) failures.push({ kind: 'analyze:not-0', detail: JSON.stringify(analysed.stderr.slice(0, 400)) });
    if (analysed.code === 0) {
      try {
        JSON.parse(analysed.stdout);
      } catch {
        failures.push({ kind: 'analyze:not-json', detail: JSON.stringify(analysed.stdout.slice(0, 200)) });
      }
    }
  } catch (error) {
    failures.push({ kind: 'harness:threw', detail: String((error as Error)?.stack ?? error).split('\n').slice(0, 4).join(' | ') });
  } finally {
    if (!options.keep || failures.length === 0) rmSync(dir, { recursive: true, force: true });
  }
  // Every analyze failure kind also shows as `analyze:not-0`; keep the more precise one only.
  const kinds = new Set(failures.map((f) => f.kind));
  const precise = failures.filter((f) => f.kind !== 'analyze:not-0' || ![...kinds].some((k) => k.startsWith('analyze:') && k !== 'analyze:not-0'));
  return { index: fuzzCase.index, name: fuzzCase.name, failures: precise, importCode, seconds: (performance.now() - started) / 1000 };
}
