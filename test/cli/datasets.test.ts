/**
 * The public datasets of ../shared/datasets through the real command line, compared number by
 * number with SciPy/statsmodels references (test/fixtures/datasets, produced by
 * test/reference/datasets/unit_table_reference.py; the command is in each fixture).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetPath, datasetsMissing, REPO_ROOT } from '../helpers/shared-datasets.ts';
import { runCli } from '../helpers/run-cli.ts';
import { expectExperimentMatches } from '../helpers/compare-report.ts';

interface Case {
  readonly fixture: string;
  readonly file: string;
  readonly flags: readonly string[];
}

const CASES: readonly Case[] = [
  {
    fixture: 'cookie_cats',
    file: 'cookie_cats/cookie_cats.csv',
    flags: ['--unit', 'userid', '--variant', 'version', '--control', 'gate_30', '--metric', 'retention_1', '--metric', 'retention_7', '--metric', 'sum_gamerounds'],
  },
  {
    fixture: 'udacity_ab_data',
    file: 'udacity_ab_data/ab_data.csv',
    // The reference keeps a repeated user's earliest row (their first exposure): declared with --combine first.
    flags: ['--unit', 'user_id', '--variant', 'group', '--control', 'control', '--timestamp', 'timestamp', '--metric', 'converted', '--combine', 'first'],
  },
  {
    fixture: 'hillstrom',
    file: 'hillstrom_email/Kevin_Hillstrom_MineThatData_E-MailAnalytics_DataMiningChallenge_2008.03.20.csv',
    flags: ['--variant', 'segment', '--control', 'No E-Mail', '--metric', 'visit', '--metric', 'conversion', '--metric', 'spend', '--covariate', 'spend=history'],
  },
];

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'datasets', `${name}.json`), 'utf8')) as Record<string, unknown>;
}

for (const c of CASES) {
  describe.skipIf(datasetsMissing(c.file))(`analyze ${c.file}`, () => {
    it('equals the SciPy/statsmodels reference to 1e-6 relative, and accounts for every row', async () => {
      const run = await runCli(['analyze', datasetPath(c.file)!, ...c.flags, '--format', 'json']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as { experiments: Record<string, unknown>[]; import: { files: { rowsRead: number; rowsAccepted: number; rowsRejected: number }[] } };
      const expected = fixture(c.fixture);
      expect(report.experiments).toHaveLength(1);
      expectExperimentMatches(report.experiments[0]!, (expected.experiments as Record<string, unknown>[])[0]!);
      const file = report.import.files[0]!;
      expect(file.rowsAccepted + file.rowsRejected).toBe(file.rowsRead);
      expect(file.rowsRejected).toBe(0);
    });
  });
}
