/**
 * `npm run bench -- [--events 1000000,10000000] [--shapes plain,quoted] [--threads 2,16]
 *                   [--baseline pandas] [--out bench/results.json] [--file-gb 5] [--mapping-gb 1]
 *                   [--cache DIR] [--runs 1]`;  `npm run bench -- --print bench/results.json` prints a saved run
 *
 * Shapes: `plain` is the scale generator's log as it is; `quoted` has real exports' shape (quoted
 * commas, quoted line breaks, unclosed quotes: `npm run gen -- --quoted`). Threads: each value runs
 * every measurement with `EXPERIMENT_DESK_THREADS` set to it (16 on a 2-core machine reproduces a
 * big laptop's memory pressure); without `--threads`, DuckDB's default. `--mapping-gb G` times the
 * mapping question and the dialog's preview on a unit table of about G GB that needs a mapping.
 *
 * For each size, on one generated file (cached per size and seed): the app's import (wall time,
 * rows/s) against DuckDB's bare load of the same file in a fresh process; the full analysis of
 * every experiment (desk service: list, then each experiment's report, CUPED, SRM, retention
 * D0–D30 and cumulative uplift) right after the import and again warm, and cold in a fresh process
 * on the database file; the interactive loop (new filter, new α, CUPED off); peak RSS of every
 * process (VmHWM); database size; with `--baseline pandas` the same analysis in pandas +
 * statsmodels. `--file-gb G` adds an import-only run of a CSV of about G GB (the memory target).
 * Every measurement runs in its own process. Prints a table and writes the figures as JSON.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CSV_BYTES_PER_ROW, parseCount } from './gen.ts';
import type { AppRunResult } from './run-app.ts';
import { DEFAULT_SCALE_OPTIONS } from '../data/simulate/duckdb-event-log.ts';
import { defaultMemoryLimit } from '../data/database.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TSX = ['--import', 'tsx'];
/** Debian's Python, which has the packages of the pandas baseline (a PATH python may not). */
const PYTHON = '/usr/bin/python3';

/** The targets (README, Performance; reported, never asserted). */
export const TARGETS = {
  importVsBareLoad: 1.25,
  endToEndSpeedupVsPandas: 5,
  peakRssShareOfPandas: 0.25,
  peakRssBytes: 1.2 * 1024 ** 3,
  reanalysisSeconds: 0.5,
  largeImportPeakRssBytes: 1.5 * 1024 ** 3,
  mappingDialogSeconds: 1,
} as const;

export type Shape = 'plain' | 'quoted';

export interface BareLoad { seconds: number; rows: number; rejects: number; peakRssBytes: number }
export interface PandasRun {
  seconds: number; readSeconds: number; unitMetricsSeconds: number; statisticsSeconds: number; rows: number; units: number;
  experiments: number; peakRssBytes: number;
}

export interface SizeResult {
  events: number;
  shape: Shape;
  /** EXPERIMENT_DESK_THREADS of every process of this run (null: DuckDB's default). */
  threads: number | null;
  /** 1-, 5- and 15-minute load averages when this size's measurements started. */
  loadBefore: number[];
  file: { path: string; bytes: number; generateSeconds: number | null };
  /** DuckDB's load into a database file (like the app's import) and into memory. */
  bareLoad: BareLoad;
  bareLoadInMemory: BareLoad;
  app: AppRunResult;
  cold: AppRunResult;
  figures: {
    importSeconds: number;
    importRowsPerSecond: number;
    importVsBareLoad: number;
    importVsBareLoadInMemory: number;
    /** The import job's last phase: the per-unit tables the first analysis reads. */
    perUnitBuildSeconds: number;
    analysisAfterImportSeconds: number;
    analysisColdSeconds: number;
    analysisWarmSeconds: number;
    endToEndSeconds: number;
    reanalysisWarmMaxSeconds: number;
    peakRssBytes: number;
    databaseBytes: number;
    pandasSeconds: number | null;
    pandasPeakRssBytes: number | null;
    speedupVsPandas: number | null;
    peakRssShareOfPandas: number | null;
  };
  pandas: PandasRun | null;
}

export interface LargeImportResult {
  events: number;
  threads: number | null;
  fileBytes: number;
  memoryLimit: string;
  bareLoad: BareLoad;
  import: NonNullable<AppRunResult['import']>;
  peakRssBytes: number;
  importVsBareLoad: number;
}

export interface BenchResults {
  takenAt: string;
  command: string;
  machine: { nproc: number; memoryBytes: number; cpu: string; node: string; loadBefore: number[]; loadAfter: number[] };
  settings: { memoryLimit: string; seed: number };
  targets: typeof TARGETS;
  sizes: SizeResult[];
  largeImports: LargeImportResult[];
  mappingDialog: MappingDialogResult | null;
  /** Runs that failed, with their error (the figures of the others are kept). */
  failures: { events: number; shape: Shape; threads: number | null; error: string }[];
}

export interface MappingDialogResult {
  fileBytes: number;
  /** From the import's start to the mapping question (MappingRequiredError). */
  questionSeconds: number;
  /** The dialog's preview (header, first rows, guesses, variant values). */
  previewSeconds: number;
  /** Until the dialog can be shown: question + preview. */
  seconds: number;
}

interface Child { stdout: string; stderr: string; code: number | null }

/** Environment of the measured processes: the thread count under test. */
let childEnv: NodeJS.ProcessEnv = {};

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<Child> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...childEnv, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ stdout, stderr, code }));
  });
}

async function runJson<T>(command: string, args: string[]): Promise<T> {
  const result = await run(command, args);
  const last = result.stdout.trim().split('\n').pop() ?? '';
  if (result.code !== 0 || !last.startsWith('{')) {
    const lines = result.stderr.trim().split('\n');
    const cause = lines.find((line) => /Error/.test(line)) ?? '';
    throw new Error(`${command} ${args.join(' ')} failed (${result.code}): ${cause} … ${lines.slice(-5).join(' | ')}`);
  }
  return JSON.parse(last) as T;
}

function removeDatabase(path: string): void {
  for (const p of [path, `${path}.wal`, `${path}.tmp`]) rmSync(p, { recursive: true, force: true });
}

function machine(): Omit<BenchResults['machine'], 'loadBefore' | 'loadAfter'> {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // not Linux: keep os.cpus()
  }
  return { nproc: cpus().length, memoryBytes: totalmem(), cpu, node: process.version };
}

/** The cached log of `events` rows of `shape` (generated in a child process when missing). */
async function logFile(cache: string, events: number, seed: number, log: (line: string) => void, shape: Shape = 'plain'): Promise<SizeResult['file']> {
  const path = join(cache, `events-${events}-seed${seed}${shape === 'quoted' ? '-quoted' : ''}.csv`);
  let generateSeconds: number | null = null;
  if (!existsSync(path)) {
    log(`generating ${events.toLocaleString('en')} ${shape} events → ${path}`);
    const quoted = shape === 'quoted' ? ['--quoted'] : [];
    const truth = await runJson<{ seconds: number }>(process.execPath, [...TSX, 'bench/gen.ts', '--events', String(events), '--seed', String(seed), ...quoted, '--out', path]);
    generateSeconds = truth.seconds;
  }
  return { path, bytes: statSync(path).size, generateSeconds };
}

async function bareLoad(file: string, scratch: string, inMemory = false): Promise<BareLoad> {
  if (inMemory) return runJson<BareLoad>(process.execPath, ['bench/bare-load.mjs', file, ':memory:']);
  const db = join(scratch, 'bare.duckdb');
  removeDatabase(db);
  try {
    return await runJson<BareLoad>(process.execPath, ['bench/bare-load.mjs', file, db]);
  } finally {
    removeDatabase(db);
  }
}

async function appRun(db: string, importFile: string | null, analysis: boolean): Promise<AppRunResult> {
  const args = [...TSX, 'bench/run-app.ts', '--db', db];
  if (importFile) args.push('--import', importFile);
  if (!analysis) args.push('--no-analysis');
  return runJson<AppRunResult>(process.execPath, args);
}

/** Benchmarks one size. */
export async function benchSize(
  events: number,
  options: {
    cache: string; seed: number; pandas: boolean; runs: number; shape: Shape; threads: number | null; log: (line: string) => void;
    /** pandas runs by file: one per file, whatever the thread count. */
    pandasRuns?: Map<string, PandasRun>;
  },
): Promise<SizeResult> {
  const log = (line: string): void => options.log(`[${options.shape}, threads ${options.threads ?? 'default'}] ${line}`);
  const file = await logFile(options.cache, events, options.seed, log, options.shape);
  const scratch = join(options.cache, 'work');
  mkdirSync(scratch, { recursive: true });
  const db = join(scratch, `app-${events}.duckdb`);
  const loadBefore = loadavg();
  log(`${events.toLocaleString('en')} events: load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  // Best of `runs` for the import and the bare load (the machine may be shared).
  let bare: BareLoad | null = null;
  let bareInMemory: BareLoad | null = null;
  let app: AppRunResult | null = null;
  for (let i = 0; i < options.runs; i++) {
    log(`${events.toLocaleString('en')} events: DuckDB bare load into a database file and into memory (run ${i + 1})`);
    const b = await bareLoad(file.path, scratch);
    if (!bare || b.seconds < bare.seconds) bare = b;
    const m = await bareLoad(file.path, scratch, true);
    if (!bareInMemory || m.seconds < bareInMemory.seconds) bareInMemory = m;
    log(`${events.toLocaleString('en')} events: app import + analysis (run ${i + 1})`);
    removeDatabase(db);
    const a = await appRun(db, file.path, true);
    if (!app || a.import!.seconds < app.import!.seconds) app = a;
  }
  log(`${events.toLocaleString('en')} events: cold analysis in a fresh process`);
  const cold = await appRun(db, null, true);
  removeDatabase(db);
  let pandas: PandasRun | null = null;
  if (options.pandas) {
    pandas = options.pandasRuns?.get(file.path) ?? null;
    if (!pandas) {
      log(`${events.toLocaleString('en')} events: pandas + statsmodels baseline`);
      pandas = await runJson<PandasRun>(PYTHON, ['bench/baseline_pandas.py', file.path]);
      options.pandasRuns?.set(file.path, pandas);
    }
  }
  const run = { events, shape: options.shape, threads: options.threads, loadBefore, file, bareLoad: bare!, bareLoadInMemory: bareInMemory!, app: app!, cold, pandas };
  return { ...run, figures: sizeFigures(run) };
}

/** Seconds from the start of an app import to its commit: the `indexing` phase (the per-unit build) starts after it. */
export function committedSeconds(imported: NonNullable<AppRunResult['import']>): number {
  return imported.phases.indexing ?? imported.seconds;
}

/**
 * The figures of one size's measurements. The app's import job ends with the per-unit analysis
 * build (docs/import.md, "After the import"), which DuckDB's bare load does not do: the import is
 * compared with the bare load up to its commit, and the build counts towards the analysis.
 */
export function sizeFigures(r: Omit<SizeResult, 'figures'>): SizeResult['figures'] {
  const imported = r.app.import!;
  const committed = committedSeconds(imported);
  const endToEnd = imported.seconds + r.app.analysisFirst!.seconds;
  const peak = r.app.peakRssBytes;
  return {
    importSeconds: committed,
    importRowsPerSecond: imported.rowsRead / committed,
    importVsBareLoad: committed / r.bareLoad.seconds,
    importVsBareLoadInMemory: committed / r.bareLoadInMemory.seconds,
    perUnitBuildSeconds: imported.seconds - committed,
    analysisAfterImportSeconds: r.app.analysisFirst!.seconds,
    analysisColdSeconds: r.cold.analysisFirst!.seconds,
    analysisWarmSeconds: r.app.analysisWarm!.seconds,
    endToEndSeconds: endToEnd,
    reanalysisWarmMaxSeconds: r.app.reanalysis!.maxSeconds,
    peakRssBytes: peak,
    databaseBytes: r.app.databaseBytes,
    pandasSeconds: r.pandas?.seconds ?? null,
    pandasPeakRssBytes: r.pandas?.peakRssBytes ?? null,
    speedupVsPandas: r.pandas ? r.pandas.seconds / endToEnd : null,
    peakRssShareOfPandas: r.pandas ? peak / r.pandas.peakRssBytes : null,
  };
}

/** Import-only run on a file of about `gigabytes` GB (generated once, cached). */
export async function benchLargeImport(
  gigabytes: number, options: { cache: string; seed: number; threads: number | null; log: (line: string) => void },
): Promise<LargeImportResult> {
  const events = Math.round((gigabytes * 1e9) / CSV_BYTES_PER_ROW);
  const file = await logFile(options.cache, events, options.seed, options.log);
  const scratch = join(options.cache, 'work');
  mkdirSync(scratch, { recursive: true });
  options.log(`${(file.bytes / 1e9).toFixed(1)} GB file: DuckDB bare load`);
  const bare = await bareLoad(file.path, scratch);
  const db = join(scratch, 'large.duckdb');
  removeDatabase(db);
  options.log(`${(file.bytes / 1e9).toFixed(1)} GB file: app import`);
  const app = await appRun(db, file.path, false);
  removeDatabase(db);
  return {
    events, threads: options.threads, fileBytes: file.bytes, memoryLimit: app.memoryLimit, bareLoad: bare, import: app.import!, peakRssBytes: app.peakRssBytes,
    importVsBareLoad: committedSeconds(app.import!) / bare.seconds,
  };
}

/**
 * The mapping question and the dialog's preview on a unit table of about `gigabytes` GB whose
 * header is not recognised (generated once, cached), in a fresh process.
 */
export async function benchMappingDialog(gigabytes: number, options: { cache: string; log: (line: string) => void }): Promise<MappingDialogResult> {
  const path = join(options.cache, `units-${gigabytes}gb.csv`);
  if (!existsSync(path)) {
    options.log(`generating a ${gigabytes} GB unit table → ${path}`);
    const rows = Math.round((gigabytes * 1e9) / 18); // ~18 bytes per row
    await runJson(process.execPath, [...TSX, 'bench/run-app.ts', '--write-units', path, '--rows', String(rows)]);
  }
  options.log(`${gigabytes} GB unit table: mapping question and preview`);
  const scratch = join(options.cache, 'work');
  mkdirSync(scratch, { recursive: true });
  const db = join(scratch, 'mapping.duckdb');
  removeDatabase(db);
  try {
    const result = await runJson<Omit<MappingDialogResult, 'fileBytes'>>(process.execPath, [...TSX, 'bench/run-app.ts', '--db', db, '--mapping-probe', path]);
    return { fileBytes: statSync(path).size, ...result };
  } finally {
    removeDatabase(db);
  }
}

const mb = (bytes: number | null): string => (bytes === null ? '—' : `${(bytes / 1048576).toFixed(0)} MiB`);
const s = (seconds: number | null): string => (seconds === null ? '—' : seconds < 1 ? `${(seconds * 1000).toFixed(0)} ms` : `${seconds.toFixed(2)} s`);
const x = (ratio: number | null): string => (ratio === null ? '—' : `${ratio.toFixed(2)}×`);

/** The results as a plain-text table (one column per size). */
export function formatTable(results: BenchResults): string {
  const rows: [string, (r: SizeResult) => string][] = [
    ['events (rows read)', (r) => r.app.import!.rowsRead.toLocaleString('en')],
    ['file size', (r) => mb(r.file.bytes)],
    ['DuckDB bare load into a database file', (r) => s(r.bareLoad.seconds)],
    ['DuckDB bare load into memory', (r) => s(r.bareLoadInMemory.seconds)],
    ['import into a database file (validated, to the commit)', (r) => s(r.figures.importSeconds)],
    ['  rows/s', (r) => `${Math.round(r.figures.importRowsPerSecond).toLocaleString('en')}`],
    [`  ÷ bare load into a file (target ≤ ${TARGETS.importVsBareLoad}×)`, (r) => x(r.figures.importVsBareLoad)],
    ['  ÷ bare load into memory', (r) => x(r.figures.importVsBareLoadInMemory)],
    ['per-unit analysis tables (end of the import job)', (r) => s(r.figures.perUnitBuildSeconds)],
    ['full analysis after import', (r) => s(r.figures.analysisAfterImportSeconds)],
    ['full analysis cold (fresh process)', (r) => s(r.figures.analysisColdSeconds)],
    ['full analysis warm', (r) => s(r.figures.analysisWarmSeconds)],
    [`re-analysis warm, slowest step (target ≤ ${TARGETS.reanalysisSeconds} s)`, (r) => s(r.figures.reanalysisWarmMaxSeconds)],
    ['file → full analysis (import job + analysis)', (r) => s(r.figures.endToEndSeconds)],
    ['peak RSS (import + analyses)', (r) => mb(r.figures.peakRssBytes)],
    ['peak RSS, cold analysis process', (r) => mb(r.cold.peakRssBytes)],
    ['peak RSS, bare load', (r) => mb(r.bareLoad.peakRssBytes)],
    ['database file', (r) => mb(r.figures.databaseBytes)],
    ['pandas + statsmodels, file → analysis', (r) => s(r.figures.pandasSeconds)],
    ['pandas peak RSS', (r) => mb(r.figures.pandasPeakRssBytes)],
    [`speed-up vs pandas (target ≥ ${TARGETS.endToEndSpeedupVsPandas}×)`, (r) => x(r.figures.speedupVsPandas)],
    [`peak RSS / pandas (target ≤ ${TARGETS.peakRssShareOfPandas})`, (r) => (r.figures.peakRssShareOfPandas === null ? '—' : r.figures.peakRssShareOfPandas.toFixed(2))],
  ];
  const header = ['', ...results.sizes.map((r) => `${(r.events / 1e6).toLocaleString('en')}M ${r.shape}, ${r.threads ?? 'default'} thr.`)];
  const body = rows.map(([label, f]) => [label, ...results.sizes.map(f)]);
  const table = [header, ...body];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const lines = table.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  const m = results.machine;
  lines.unshift(`machine: ${m.nproc} × ${m.cpu}, ${mb(m.memoryBytes)}, node ${m.node}; load ${m.loadBefore.map((l) => l.toFixed(2)).join(' ')} → ${m.loadAfter.map((l) => l.toFixed(2)).join(' ')}; DuckDB memory_limit ${results.settings.memoryLimit}`);
  for (const l of results.largeImports) {
    lines.push('', `large import, threads ${l.threads ?? 'default'}: ${mb(l.fileBytes)} CSV, ${l.import.rowsRead.toLocaleString('en')} rows: ${s(l.import.seconds)} ` +
      `(bare load ${s(l.bareLoad.seconds)}, ${x(l.importVsBareLoad)}), peak RSS ${mb(l.peakRssBytes)} ` +
      `(target ≤ ${mb(TARGETS.largeImportPeakRssBytes)}; bare load ${mb(l.bareLoad.peakRssBytes)}), memory_limit ${l.memoryLimit}`);
  }
  if (results.mappingDialog) {
    const d = results.mappingDialog;
    lines.push('', `mapping dialog on a ${mb(d.fileBytes)} unit table: question ${s(d.questionSeconds)} + preview ${s(d.previewSeconds)} = ${s(d.seconds)}`);
  }
  for (const f of results.failures) lines.push('', `FAILED: ${(f.events / 1e6).toLocaleString('en')}M ${f.shape}, threads ${f.threads ?? 'default'}: ${f.error}`);
  lines.push('', ...targetLines(results));
  return lines.join('\n');
}

/**
 * Each target against every run of the largest size (shape × threads), the large-file imports
 * and the mapping dialog: the figure and whether it is met. The experiment screen's 300 ms target
 * is measured by the end-to-end tests (`[e2e] experiment screen interactive … ms`), not here.
 */
export function targetLines(results: BenchResults): string[] {
  const verdict = (met: boolean | null): string => (met === null ? 'not measured' : met ? 'met' : 'NOT met');
  const lines = ['targets:'];
  const top = Math.max(0, ...results.sizes.map((r) => r.events));
  for (const r of results.sizes.filter((size) => size.events === top)) {
    const f = r.figures;
    const label = `${(r.events / 1e6).toLocaleString('en')}M ${r.shape}, threads ${r.threads ?? 'default'}`;
    lines.push(
      `  [${label}] imports and analyses, peak RSS ≤ ${mb(TARGETS.peakRssBytes)}: ${mb(f.peakRssBytes)} — ${verdict(f.peakRssBytes <= TARGETS.peakRssBytes)}`,
      `  [${label}] peak RSS ≤ ${TARGETS.peakRssShareOfPandas} of pandas': ${f.peakRssShareOfPandas === null ? '—' : f.peakRssShareOfPandas.toFixed(2)} — ` +
        verdict(f.peakRssShareOfPandas === null ? null : f.peakRssShareOfPandas <= TARGETS.peakRssShareOfPandas),
      `  [${label}] import ÷ bare load into a file ≤ ${TARGETS.importVsBareLoad}×: ${x(f.importVsBareLoad)} — ${verdict(f.importVsBareLoad <= TARGETS.importVsBareLoad)}`,
      `  [${label}] file → analysis ≥ ${TARGETS.endToEndSpeedupVsPandas}× faster than pandas: ${x(f.speedupVsPandas)} — ` +
        verdict(f.speedupVsPandas === null ? null : f.speedupVsPandas >= TARGETS.endToEndSpeedupVsPandas),
      `  [${label}] re-analysis warm ≤ ${TARGETS.reanalysisSeconds} s: ${s(f.reanalysisWarmMaxSeconds)} — ${verdict(f.reanalysisWarmMaxSeconds <= TARGETS.reanalysisSeconds)}`,
    );
  }
  if (results.largeImports.length === 0) lines.push(`  peak RSS importing a ~5 GB file ≤ ${mb(TARGETS.largeImportPeakRssBytes)}: — (run with --file-gb 5)`);
  for (const l of results.largeImports) {
    lines.push(`  peak RSS importing a ~5 GB file ≤ ${mb(TARGETS.largeImportPeakRssBytes)}, threads ${l.threads ?? 'default'}: ` +
      `${mb(l.peakRssBytes)} (${mb(l.fileBytes)} file) — ${verdict(l.peakRssBytes <= TARGETS.largeImportPeakRssBytes)}`);
  }
  const d = results.mappingDialog;
  lines.push(`  mapping dialog ≤ ${TARGETS.mappingDialogSeconds} s after choosing a ~1 GB file: ` +
    (d ? `${s(d.seconds)} (${mb(d.fileBytes)}) — ${verdict(d.seconds <= TARGETS.mappingDialogSeconds)}` : '— (run with --mapping-gb 1)'));
  return lines;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string' }, baseline: { type: 'string' }, out: { type: 'string' }, 'file-gb': { type: 'string' },
      cache: { type: 'string' }, seed: { type: 'string' }, runs: { type: 'string' }, shapes: { type: 'string' }, threads: { type: 'string' },
      'mapping-gb': { type: 'string' }, print: { type: 'string' },
    },
  });
  if (values.print) {
    // Re-derives the figures of a saved run (the rules above may be newer than the file) and prints them.
    const saved = JSON.parse(readFileSync(values.print, 'utf8')) as BenchResults;
    const results = { ...saved, sizes: saved.sizes.map((r) => ({ ...r, shape: r.shape ?? 'plain', figures: sizeFigures(r) })),
      failures: saved.failures ?? [], mappingDialog: saved.mappingDialog ?? null,
      largeImports: (saved.largeImports ?? []).map((l) => ({ ...l, importVsBareLoad: committedSeconds(l.import) / l.bareLoad.seconds })) };
    process.stdout.write(`${formatTable(results)}\n`);
    return 0;
  }
  const shapes = (values.shapes ?? 'plain').split(',').filter(Boolean);
  if (shapes.some((shape) => shape !== 'plain' && shape !== 'quoted')) {
    process.stderr.write('bench: --shapes takes plain and/or quoted\n');
    return 2;
  }
  const threadCounts = values.threads ? values.threads.split(',').filter(Boolean).map(Number) : [null];
  if (threadCounts.some((t) => t !== null && (!Number.isSafeInteger(t) || t < 1))) {
    process.stderr.write('bench: --threads takes whole numbers, e.g. 2,16\n');
    return 2;
  }
  if (values.baseline && values.baseline !== 'pandas') {
    process.stderr.write('bench: --baseline takes "pandas"\n');
    return 2;
  }
  if (values.baseline === 'pandas' && spawnSync(PYTHON, ['-c', 'import pandas, scipy, statsmodels']).status !== 0) {
    process.stderr.write(`bench: --baseline pandas needs ${PYTHON} with pandas, SciPy and statsmodels ` +
      '(Debian: apt-get install python3-pandas python3-scipy python3-statsmodels)\n');
    return 2;
  }
  const sizes = (values.events ?? '1000000').split(',').filter(Boolean).map(parseCount);
  const cache = values.cache ?? join(tmpdir(), 'experiment-desk-bench');
  const seed = values.seed ? Number(values.seed) : DEFAULT_SCALE_OPTIONS.seed;
  const runs = values.runs ? Math.max(1, Number(values.runs)) : 1;
  const out = resolve(values.out ?? join(ROOT, 'bench', 'results.json'));
  mkdirSync(cache, { recursive: true });
  const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
  const loadBefore = loadavg();
  const results: BenchResults = {
    takenAt: new Date().toISOString(),
    command: `npm run bench -- ${argv.join(' ')}`.trim(),
    machine: { ...machine(), loadBefore, loadAfter: [] },
    settings: { memoryLimit: defaultMemoryLimit(), seed },
    targets: TARGETS,
    sizes: [],
    largeImports: [],
    mappingDialog: null,
    failures: [],
  };
  const withThreads = (threads: number | null): void => {
    childEnv = threads === null ? {} : { EXPERIMENT_DESK_THREADS: String(threads) };
  };
  if (values['mapping-gb']) results.mappingDialog = await benchMappingDialog(Number(values['mapping-gb']), { cache, log });
  // The large imports first: the sizes' figures (the largest last) are taken on a quieter machine.
  for (const threads of values['file-gb'] ? threadCounts : []) {
    withThreads(threads);
    results.largeImports.push(await benchLargeImport(Number(values['file-gb']), { cache, seed, threads, log }));
  }
  // Every finished run is written at once: a run that fails (out of memory, say) is recorded with
  // its error, and the runs before it are kept.
  const save = (): void => {
    results.machine.loadAfter = loadavg();
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  };
  const pandasRuns = new Map<string, PandasRun>();
  for (const events of sizes) {
    for (const shape of shapes as Shape[]) {
      for (const threads of threadCounts) {
        withThreads(threads);
        try {
          results.sizes.push(await benchSize(events, { cache, seed, pandas: values.baseline === 'pandas', runs, shape, threads, log, pandasRuns }));
        } catch (error) {
          results.failures.push({ events, shape, threads, error: (error as Error).message });
          log(`${events.toLocaleString('en')} ${shape} events, threads ${threads ?? 'default'}: FAILED ${(error as Error).message}`);
        }
        save();
      }
    }
  }
  withThreads(null);
  save();
  process.stdout.write(`${formatTable(results)}\n\nwrote ${out}\n`);
  return results.failures.length === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code), (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
