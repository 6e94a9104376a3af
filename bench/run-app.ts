/**
 * One benchmark process of the app itself, run by bench.ts in a fresh process so that its peak
 * RSS is its own: `tsx bench/run-app.ts --db DB [--import FILE] [--no-analysis]`; also
 * `--db DB --mapping-probe FILE` (the mapping dialog's wait) and `--write-units FILE --rows N`.
 *
 * Goes through the desk service (what the Electron worker and the web host call): `importFiles`,
 * then the full analysis — `listExperiments` and, for every experiment, `analyzeExperiment`
 * (report with every default metric, CUPED, SRM, power, plus the experiment screen's cumulative
 * uplift and retention D0–D30 as Arrow) — first and again (warm), then the interactive loop on the
 * largest experiment: a new segment filter, a new α, CUPED off, a new date filter, a filter on the
 * exposure's store. Prints one JSON
 * line with the timings (seconds), the import summary, the peak RSS (VmHWM) and the database size.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AnalysisOverrides, ExperimentListItem } from '../contract/desk-api.ts';
import { defaultMemoryLimit, defaultTempDirectory, openDatabase } from '../data/database.ts';
import { MappingRequiredError } from '../data/import/detect-format.ts';
import { importFile } from '../data/import/import-file.ts';
import { previewFile } from '../data/import/preview.ts';
import { createDeskService, type DeskService } from '../data/service/desk-service.ts';

export interface FullAnalysisTiming {
  readonly seconds: number;
  readonly listSeconds: number;
  readonly experiments: readonly { experimentId: string; units: number; seconds: number }[];
}

export interface ReanalysisTiming {
  readonly experimentId: string;
  readonly steps: readonly { change: string; overrides: AnalysisOverrides; seconds: number }[];
  /** The slowest step. */
  readonly maxSeconds: number;
}

export interface AppRunResult {
  readonly memoryLimit: string;
  readonly tempDirectory: string;
  readonly openSeconds: number;
  readonly import: null | {
    readonly seconds: number;
    readonly rowsRead: number;
    readonly rowsAccepted: number;
    readonly rowsRejected: number;
    readonly rejectsByReason: Record<string, number>;
    /** Seconds from the start of the import to the first progress event of each phase. */
    readonly phases: Record<string, number>;
  };
  readonly analysisFirst: FullAnalysisTiming | null;
  readonly analysisWarm: FullAnalysisTiming | null;
  readonly reanalysis: ReanalysisTiming | null;
  readonly peakRssBytes: number;
  readonly databaseBytes: number;
}

const now = (): number => performance.now();
const since = (t: number): number => (now() - t) / 1000;

/** Peak resident set size of this process, from the OS (VmHWM). */
export function peakRssBytes(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) * 1024;
}

/** The database file plus its write-ahead log, bytes. */
export function databaseBytes(path: string): number {
  const size = (p: string): number => {
    try {
      return statSync(p).size;
    } catch {
      return 0;
    }
  };
  return size(path) + size(`${path}.wal`);
}

async function fullAnalysis(service: DeskService): Promise<{ timing: FullAnalysisTiming; list: readonly ExperimentListItem[] }> {
  const started = now();
  const list = await service.handlers.listExperiments({});
  const listSeconds = since(started);
  const experiments: { experimentId: string; units: number; seconds: number }[] = [];
  for (const item of list) {
    const t = now();
    await service.handlers.analyzeExperiment({ experimentId: item.experimentId });
    experiments.push({ experimentId: item.experimentId, units: item.units, seconds: since(t) });
  }
  return { timing: { seconds: since(started), listSeconds, experiments }, list };
}

async function reanalysis(service: DeskService, list: readonly ExperimentListItem[]): Promise<ReanalysisTiming | null> {
  const target = [...list].sort((a, b) => b.units - a.units)[0];
  if (!target) return null;
  const first = target.firstExposure ? Date.parse(target.firstExposure) : Date.UTC(2026, 2, 2);
  const from = new Date(first + 7 * 86_400_000).toISOString().slice(0, 10);
  const loop: { change: string; overrides: AnalysisOverrides }[] = [
    { change: 'segment filter', overrides: { segment: 'returning' } },
    { change: 'new alpha', overrides: { segment: 'returning', alpha: 0.01 } },
    { change: 'CUPED off', overrides: { segment: 'returning', alpha: 0.01, cuped: false } },
    { change: 'date filter', overrides: { exposureFrom: from } },
    // Not in the cube: aggregated from the per-unit table.
    { change: 'store filter', overrides: { exposureFilters: { store_id: 'store-de' } } },
    { change: 'filters cleared', overrides: {} },
  ];
  const steps = [];
  for (const step of loop) {
    const t = now();
    await service.handlers.analyzeExperiment({ experimentId: target.experimentId, overrides: step.overrides });
    steps.push({ ...step, seconds: since(t) });
  }
  return { experimentId: target.experimentId, steps, maxSeconds: Math.max(...steps.map((s) => s.seconds)) };
}

/** Runs the app's import and analyses as the options say; the caller owns `db`. */
export async function runApp(options: { db: string; importFile?: string; analysis: boolean }): Promise<AppRunResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'experiment-desk-bench-'));
  try {
    const opened = now();
    const service = await createDeskService({ databasePath: options.db, settingsPath: join(scratch, 'settings.json'), uploadDir: scratch });
    const openSeconds = since(opened);
    let imported: AppRunResult['import'] = null;
    if (options.importFile) {
      const phases: Record<string, number> = {};
      const started = now();
      const off = service.onEvent('import-progress', (p) => {
        if (!(p.phase in phases)) phases[p.phase] = since(started);
      });
      const { summaries } = await service.handlers.importFiles({ importId: 'bench', files: [{ kind: 'path', path: options.importFile }], force: true });
      const seconds = since(started);
      off();
      const s = summaries[0]!;
      imported = {
        seconds, rowsRead: s.rowsRead, rowsAccepted: s.rowsAccepted, rowsRejected: s.rowsRejected, rejectsByReason: s.rejectsByReason,
        phases,
      };
    }
    let analysisFirst: FullAnalysisTiming | null = null;
    let analysisWarm: FullAnalysisTiming | null = null;
    let loop: ReanalysisTiming | null = null;
    if (options.analysis) {
      const first = await fullAnalysis(service);
      analysisFirst = first.timing;
      analysisWarm = (await fullAnalysis(service)).timing;
      loop = await reanalysis(service, first.list);
    }
    await service.close();
    return {
      memoryLimit: defaultMemoryLimit(), tempDirectory: defaultTempDirectory(options.db), openSeconds, import: imported,
      analysisFirst, analysisWarm, reanalysis: loop, peakRssBytes: peakRssBytes(), databaseBytes: databaseBytes(options.db),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * What the mapping dialog waits for on a file whose header needs a mapping: the import's question
 * (`MappingRequiredError`, asked before the file is read) and the dialog's preview.
 */
export async function mappingProbe(db: string, file: string): Promise<{ questionSeconds: number; previewSeconds: number; seconds: number }> {
  const database = await openDatabase(db);
  try {
    const started = now();
    const asked = await importFile(database, file).then(() => false, (error: unknown) => error instanceof MappingRequiredError);
    if (!asked) throw new Error(`${file}: expected the import to ask for a mapping`);
    const questionSeconds = since(started);
    const previewStarted = now();
    await previewFile(database, file);
    const previewSeconds = since(previewStarted);
    return { questionSeconds, previewSeconds, seconds: since(started) };
  } finally {
    await database.close();
  }
}

/** Writes a unit table of `rows` rows (`customer,arm,spend,visits`: needs a mapping) with DuckDB. */
export async function writeUnitTable(path: string, rows: number): Promise<void> {
  const database = await openDatabase(':memory:');
  try {
    await database.run(`COPY (SELECT i AS customer, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END AS arm, (hash(i) % 10000) / 100.0 AS spend,
                          hash(i, 1) % 7 AS visits FROM range(${Math.trunc(rows)}) t(i)) TO '${path.replaceAll("'", "''")}' (FORMAT csv, HEADER true)`);
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      db: { type: 'string' }, import: { type: 'string' }, 'no-analysis': { type: 'boolean' }, 'mapping-probe': { type: 'string' },
      'write-units': { type: 'string' }, rows: { type: 'string' },
    },
  });
  if (values['write-units']) {
    await writeUnitTable(values['write-units'], Number(values.rows ?? 1000));
    process.stdout.write('{}\n');
  } else if (!values.db) {
    process.stderr.write('usage: tsx bench/run-app.ts --db DB [--import FILE] [--no-analysis] | --db DB --mapping-probe FILE | --write-units FILE --rows N\n');
    process.exit(2);
  } else if (values['mapping-probe']) {
    process.stdout.write(`${JSON.stringify(await mappingProbe(values.db, values['mapping-probe']))}\n`);
  } else {
    const result = await runApp({ db: values.db, ...(values.import && { importFile: values.import }), analysis: !values['no-analysis'] });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}
