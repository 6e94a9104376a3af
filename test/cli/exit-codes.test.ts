/**
 * The command line's contract with its user: exit 0 on success; exit 2 with a one-line reason
 * (never a stack trace) for bad usage or unreadable input; import + analyze --db round trip.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();
const UNITS = files.write('units.csv', ['id,arm,bought,spend', ...Array.from({ length: 40 }, (_, i) => `${i},${i % 2 ? 'b' : 'a'},${i % 3 === 0 ? 1 : 0},${i * 1.5}`)].join('\n'));

function expectUsageError(run: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('exit codes', () => {
  it('2 for a missing file', async () => {
    expectUsageError(await runCli(['analyze', files.path('missing.csv')]), /missing\.csv: cannot read file \(ENOENT\)/);
  });
  it('2 for an unknown option', async () => {
    expectUsageError(await runCli(['analyze', UNITS, '--bogus']), /unknown option '--bogus'/);
  });
  it('2 for an out-of-range alpha', async () => {
    expectUsageError(await runCli(['analyze', UNITS, '--variant', 'arm', '--alpha', '2']), /--alpha/);
  });
  it('2 for a header that is not recognised without mapping flags', async () => {
    expectUsageError(await runCli(['analyze', UNITS]), /header not recognised.*--variant/);
  });
  it('2 for a malformed --covariate', async () => {
    expectUsageError(await runCli(['analyze', UNITS, '--variant', 'arm', '--covariate', 'spend']), /METRIC=COLUMN/);
  });
  it('2 for a --threads or --memory-limit that is not a count or a size', async () => {
    expectUsageError(await runCli(['analyze', UNITS, '--variant', 'arm', '--threads', '0']), /--threads 0: a whole number/);
    expectUsageError(await runCli(['analyze', UNITS, '--variant', 'arm', '--memory-limit', 'lots']), /--memory-limit lots: a size/);
  });
  it('2 and the limit in force when DuckDB runs out of memory', async () => {
    const run = await runCli(['analyze', UNITS, '--variant', 'arm', '--memory-limit', '1MB', '--threads', '1']);
    expectUsageError(run, /not enough memory: DuckDB's memory limit is .*EXPERIMENT_DESK_MEMORY_LIMIT/);
  });
  it('2 for an unknown file type', async () => {
    expectUsageError(await runCli(['analyze', files.write('data.xlsx', 'x')]), /unknown file type/);
  });
  it('2 for analyze without files or database', async () => {
    expectUsageError(await runCli(['analyze']), /FILE\.\.\. or --db/);
  });
  it('2 for a --control that names no variant', async () => {
    expectUsageError(await runCli(['analyze', UNITS, '--variant', 'arm', '--control', 'A']), /--control A: no experiment has that variant \(variants: a, b\)/);
  });
  it('0 for --help', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/analyze/);
  });
});

describe('import, then analyze --db', () => {
  it('keeps the data in the database file and analyses it later with the saved mapping', async () => {
    const db = files.path('desk.duckdb');
    const imported = await runCli(['import', UNITS, '--db', db, '--variant', 'arm', '--control', 'a', '--metric', 'bought', '--metric', 'spend']);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/40 rows read = 40 accepted \+ 0 rejected/);
    const analysed = await runCli(['analyze', '--db', db, '--format', 'json']);
    expect(analysed.code).toBe(0);
    const report = JSON.parse(analysed.stdout) as { experiments: { control: string; units: Record<string, number>; metrics: { name: string; type: string }[] }[] };
    expect(report.experiments[0]!.control).toBe('a');
    expect(report.experiments[0]!.units).toEqual({ a: 20, b: 20 });
    expect(report.experiments[0]!.metrics.map((m) => [m.name, m.type])).toEqual([['bought', 'binomial'], ['spend', 'continuous']]);
    const table = await runCli(['analyze', '--db', db]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/EXPERIMENT units/);
    expect(table.stdout).not.toMatch(/NaN|undefined/);
  });
});
