/**
 * A small hand-made canonical event log with every kind of broken row, through the command line,
 * compared with the independent pandas/SciPy implementation of the event-log metrics
 * (test/reference/datasets/event_log_reference.py; command in the fixture).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/shared-datasets.ts';
import { runCli } from '../helpers/run-cli.ts';
import { expectExperimentMatches } from '../helpers/compare-report.ts';

const dir = join(REPO_ROOT, 'test', 'fixtures', 'datasets');

describe('analyze tiny_event_log.csv (canonical event log)', () => {
  it('rejects each broken row with its reason and matches the reference numbers', async () => {
    const run = await runCli(['analyze', join(dir, 'tiny_event_log.csv'), '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      experiments: Record<string, unknown>[];
      import: { files: { rowsRead: number; rowsAccepted: number; rowsRejected: number; rejectsByReason: Record<string, number> }[] };
    };
    const expected = JSON.parse(readFileSync(join(dir, 'tiny_event_log.json'), 'utf8')) as {
      experiments: Record<string, unknown>[];
      import: { rowsRead: number; rowsAccepted: number; rowsRejected: number; rejectsByReason: Record<string, number> };
    };
    const file = report.import.files[0]!;
    expect(file.rowsRead).toBe(expected.import.rowsRead);
    expect(file.rowsAccepted).toBe(expected.import.rowsAccepted);
    expect(file.rowsRejected).toBe(expected.import.rowsRejected);
    expect(file.rejectsByReason).toEqual(expected.import.rejectsByReason);
    expect(report.experiments.map((e) => e.experimentId)).toEqual(expected.experiments.map((e) => e.experimentId));
    // Small-sample t quantiles: SciPy 1.10's t.ppf is accurate to ~1e-9 there (R's qt is exact).
    for (const [i, experiment] of expected.experiments.entries()) expectExperimentMatches(report.experiments[i]!, experiment, 1e-6);
  });
});
