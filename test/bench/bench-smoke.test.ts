/**
 * `npm run bench` end to end at a small size (CI): it generates a log, measures DuckDB's bare
 * load, the app's import and analyses in their own processes, prints the table and writes JSON
 * with every figure as a number. Targets are reported by the benchmark, never
 * asserted here.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/bench.ts';
import { REPO_ROOT } from '../helpers/shared-datasets.ts';
import { tempDir } from '../helpers/temp-files.ts';

const files = tempDir();

describe('npm run bench (200,000 events)', () => {
  it('prints every figure and writes them all as numbers', () => {
    const out = files.path('results.json');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/bench.ts', '--events', '200000', '--out', out, '--cache', files.path('cache')], {
      cwd: REPO_ROOT, encoding: 'utf8', timeout: 110_000,
    });
    expect(run.status, run.stderr).toBe(0);
    for (const label of ['bare load into a database file', 'import into a database file', 'full analysis cold', 're-analysis warm', 'peak RSS', 'database file', 'targets:']) {
      expect(run.stdout).toContain(label);
    }
    const results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
    expect(results.machine.nproc).toBeGreaterThan(0);
    const size = results.sizes[0]!;
    expect(size.events).toBe(200_000);
    expect(size.app.import!.rowsRead).toBe(200_000);
    expect(size.app.import!.rowsAccepted + size.app.import!.rowsRejected).toBe(200_000);
    const { pandasSeconds, pandasPeakRssBytes, speedupVsPandas, peakRssShareOfPandas, ...figures } = size.figures;
    for (const [name, value] of Object.entries(figures)) {
      expect(Number.isFinite(value) && value > 0, `${name} = ${value}`).toBe(true);
    }
    // Without --baseline pandas the pandas figures are null, not missing.
    expect([pandasSeconds, pandasPeakRssBytes, speedupVsPandas, peakRssShareOfPandas]).toEqual([null, null, null, null]);
    expect(size.app.reanalysis!.steps.map((step) => step.change)).toEqual(['segment filter', 'new alpha', 'CUPED off', 'date filter', 'store filter', 'filters cleared']);
  });
});
