/**
 * `experiment-desk` — the command-line host (docs/architecture.md): import, analyze, demo, define, changesets, report.
 * Exit codes: 0 success; 2 bad usage or unreadable input (one line on stderr, no stack trace);
 * 1 an unexpected failure.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { APP_VERSION } from '../data/app-version.ts';
import type { Database } from '../data/database.ts';
import type { ImportSummary } from '../data/import/import-file.ts';
import { cannotOpenDatabase, reportFailure } from '../data/user-error.ts';
import type { CliFlags } from './options.ts';
import { renderImportSummary, renderReport } from './render-report.ts';
import { UsageError } from './usage-error.ts';

// Everything but commander and the text rendering is imported where a command first needs it
// (`await import(…)`): `--version` loads nothing else, and the modules over zod, DuckDB, Arrow
// and ECharts load only for the commands that use them, not for a command's --help or a flag
// commander rejects.

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

async function importAll(db: Database, files: readonly string[], flags: CliFlags, io: Io): Promise<ImportSummary[]> {
  const summaries: ImportSummary[] = [];
  const [{ mappingOptions }, { importFile }] = await Promise.all([import('./options.ts'), import('../data/import/import-file.ts')]);
  const mapping = mappingOptions(flags);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    for (const file of files) {
      if (process.stderr.isTTY) io.stderr(`importing ${file} …\n`);
      summaries.push(await importFile(db, file, {
        mapping, force: flags.force ?? false, signal: controller.signal, ...(flags.combine && { combine: flags.combine }),
      }));
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  return summaries;
}

async function emit(text: string, flags: CliFlags, io: Io): Promise<void> {
  if (flags.out) {
    await writeFile(flags.out, text.endsWith('\n') ? text : `${text}\n`);
    io.stderr(`wrote ${flags.out}\n`);
  } else io.stdout(text.endsWith('\n') ? text : `${text}\n`);
}

async function analyzeAndPrint(db: Database, summaries: readonly ImportSummary[], flags: CliFlags, io: Io): Promise<void> {
  const [{ analysisSettings }, { analyzeDatabase }] = await Promise.all([import('./options.ts'), import('../data/analysis/analyze.ts')]);
  const settings = analysisSettings(flags);
  const definitions = flags.definition ? await (await import('./definition-file.ts')).readDefinitionFile(flags.definition) : [];
  const report = await analyzeDatabase(db, settings, null, { definitions });
  if (settings.control && report.experiments.length > 0 && !report.experiments.some((e) => e.variants.includes(settings.control!))) {
    const variants = [...new Set(report.experiments.flatMap((e) => e.variants))].join(', ');
    throw new UsageError(`--control ${settings.control}: no experiment has that variant (variants: ${variants})`);
  }
  if (flags.format === 'json') {
    await emit(JSON.stringify(report, null, 2), flags, io);
    if (summaries.length > 0 && flags.out) io.stderr(`${renderImportSummary(summaries)}\n`);
    return;
  }
  const head = summaries.length > 0 ? `${renderImportSummary(summaries)}\n\n` : '';
  await emit(head + renderReport(report), flags, io);
}

async function withDatabase<T>(path: string | undefined, work: (db: Database) => Promise<T>): Promise<T> {
  const { openDatabase } = await import('../data/database.ts');
  let db: Database;
  try {
    db = await openDatabase(path ?? ':memory:');
  } catch (error) {
    throw cannotOpenDatabase('--db', path, error);
  }
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** `--threads` and `--memory-limit`: DuckDB's resources for this run (docs/import.md, "Defaults"). */
function addResourceOptions(command: Command): Command {
  return command
    .option('--threads <n>', 'DuckDB worker threads (default: EXPERIMENT_DESK_THREADS, else one per hardware thread)')
    .option('--memory-limit <size>', "DuckDB's memory limit, e.g. 2GB (default: EXPERIMENT_DESK_MEMORY_LIMIT, else 512 MiB or a quarter of RAM)");
}

/**
 * Hands `--threads` and `--memory-limit` to the database defaults through their environment
 * variables, the one place those defaults are read (`data/database.ts`); this process is one run.
 * @throws UsageError for a value that is not a thread count or a size.
 */
function applyResourceOptions(flags: { threads?: string; memoryLimit?: string }): void {
  if (flags.threads !== undefined) {
    const threads = Number(flags.threads);
    if (!Number.isSafeInteger(threads) || threads < 1 || threads > 1024) throw new UsageError(`--threads ${flags.threads}: a whole number from 1 to 1024`);
    process.env.EXPERIMENT_DESK_THREADS = String(threads);
  }
  if (flags.memoryLimit !== undefined) {
    if (!/^\s*[0-9.]+\s*([KMGT]i?)?B\s*$/i.test(flags.memoryLimit)) throw new UsageError(`--memory-limit ${flags.memoryLimit}: a size such as 512MiB or 2GB`);
    process.env.EXPERIMENT_DESK_MEMORY_LIMIT = flags.memoryLimit.trim();
  }
}

/**
 * The commands defined in this file. When argv starts with one of them, the `changesets` and
 * `report` commands (and all they import) are not loaded; otherwise (no arguments, --help,
 * those commands or an unknown one) every command is registered.
 */
const OWN_COMMANDS: ReadonlySet<string> = new Set(['analyze', 'import', 'demo']);

async function buildProgram(io: Io, argv: readonly string[]): Promise<Command> {
  const program = new Command('experiment-desk')
    .description('Local A/B-test analysis on DuckDB: conversion, revenue, retention, CUPED, SRM, power, verdicts.')
    .version(APP_VERSION)
    .showHelpAfterError('(run with --help for usage)');
  // Commander prints the version while parsing the program's own options: no command needed.
  if (argv[0] === '--version' || argv[0] === '-V') return program;

  const { addAnalysisSettingOptions, addFileMappingOptions } = await import('./command-options.ts');
  const addMappingOptions = (command: Command): Command =>
    addFileMappingOptions(addResourceOptions(command.option('--db <path>', 'database file (default: in memory)')));
  const addAnalysisOptions = (command: Command): Command =>
    addAnalysisSettingOptions(command)
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
      .option('--out <file>', 'write the output to a file instead of stdout');

  addAnalysisOptions(addMappingOptions(program.command('analyze')))
    .option('--definition <file>', 'experiment definitions (JSON) to analyse by in place of the stored ones, for this run only')
    .argument('[files...]', 'event logs or unit tables (.csv, .csv.gz, .tsv, .ndjson, .parquet, .arrow)')
    .description('import files (if given) and analyse every experiment in the database')
    .action(async (files: string[], flags: CliFlags) => {
      if (files.length === 0 && !flags.db) throw new UsageError('analyze needs FILE... or --db PATH');
      await withDatabase(flags.db, async (db) => analyzeAndPrint(db, await importAll(db, files, flags, io), flags, io));
    });

  addMappingOptions(program.command('import'))
    .argument('<files...>', 'files to import')
    .description('import files into a database file (--db) and print the summary')
    .action(async (files: string[], flags: CliFlags) => {
      if (!flags.db) throw new UsageError('import needs --db PATH (an in-memory import would be lost)');
      await withDatabase(flags.db, async (db) => io.stdout(`${renderImportSummary(await importAll(db, files, flags, io))}\n`));
    });

  addResourceOptions(addAnalysisOptions(program.command('demo')))
    .description('simulate a realistic event log (two experiments, known effects), import it and analyse it')
    .option('--db <path>', 'database file (default: in memory)')
    .option('--seed <n>', 'simulation seed')
    .option('--keep <file>', 'also write the simulated event log to this .csv file')
    .action(async (flags: CliFlags & { seed?: string; keep?: string }) => {
      const seed = flags.seed === undefined ? undefined : Number(flags.seed);
      if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed ${flags.seed}: not an integer`);
      const dir = await mkdtemp(join(tmpdir(), 'experiment-desk-demo-'));
      try {
        const path = flags.keep ?? join(dir, 'demo-events.csv');
        const { defaultScenario, writeEventLogCsv } = await import('../data/simulate/index.ts');
        const scenario = defaultScenario(seed === undefined ? {} : { seed });
        await writeEventLogCsv(path, scenario);
        await withDatabase(flags.db, async (db) => analyzeAndPrint(db, await importAll(db, [path], { ...flags, force: true }, io), flags, io));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  program.hook('preAction', (_program, command) => applyResourceOptions(command.opts()));
  if (argv[0] !== undefined && OWN_COMMANDS.has(argv[0])) return program;
  const [{ registerChangesetsCommand }, { registerReportCommand }, { registerDefineCommand }] = await Promise.all([
    import('./changesets.ts'), import('./report.ts'), import('./define.ts'),
  ]);
  registerChangesetsCommand(program, io);
  registerDefineCommand(program, { io, withDatabase });
  registerReportCommand(program, {
    io,
    addOptions: (command) => addAnalysisSettingOptions(addMappingOptions(command))
      .option('--definition <file>', 'experiment definitions (JSON) to report by in place of the stored ones, for this run only'),
    importAll: (db, files, flags) => importAll(db, files, flags, io),
    withDatabase,
  });
  return program;
}

/** Runs the command line with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const program = await buildProgram(io, argv);
  program.exitOverride();
  program.configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const command of program.commands) {
    command.exitOverride();
    command.configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  }
  // `--threads` and `--memory-limit` set these for the run (applyResourceOptions); a caller that
  // runs several commands in one process (the tests) gets its own values back.
  const resourceEnv = { threads: process.env.EXPERIMENT_DESK_THREADS, memory: process.env.EXPERIMENT_DESK_MEMORY_LIMIT };
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; everything else commander reports is a usage error
      // (it already printed its one-line message).
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    // Bad usage or unreadable input: one line, exit code 2; anything else: exit code 1.
    return reportFailure(error, 'experiment-desk', io.stderr);
  } finally {
    restoreEnv('EXPERIMENT_DESK_THREADS', resourceEnv.threads);
    restoreEnv('EXPERIMENT_DESK_MEMORY_LIMIT', resourceEnv.memory);
  }
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
