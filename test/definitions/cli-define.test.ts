/**
 * `experiment-desk define` and the analysis by definition, through the real command line: an
 * 80/20 test passes SRM once its split is declared, results carry the definition's version and
 * hash, `--definition FILE` applies for one run, and no goal means no verdict.
 * SRM references: /usr/bin/python3 -c "from scipy.stats import chisquare; print(chisquare([8050,1950],[8000,2000]))"
 * → statistic 1.5625, p 0.21129954733370696.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { expectClose } from '../helpers/compare-report.ts';
import { datasetPath, datasetsMissing } from '../helpers/shared-datasets.ts';

const dir = mkdtempSync(join(tmpdir(), 'experiment-desk-define-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 8,050 control and 1,950 treatment units; every 10th control and every 8th treatment unit converts. */
function eightyTwenty(): string {
  const lines = ['unit_id,arm,converted'];
  for (let i = 0; i < 8050; i += 1) lines.push(`c${i},control,${i % 10 === 0 ? 1 : 0}`);
  for (let i = 0; i < 1950; i += 1) lines.push(`t${i},treatment,${i % 8 === 0 ? 1 : 0}`);
  return `${lines.join('\n')}\n`;
}

interface Experiment {
  srm: { chiSquare: number; pValue: number; flagged: boolean };
  definition?: { version: number | null; hash: string; origin: string; goalMetrics: string[]; split: Record<string, number> | null };
  cuped?: { note: string | null };
  verdict: { status: string; reason: string };
  primaryMetric: string | null;
}

async function analyzeJson(db: string, extra: string[] = []): Promise<Experiment> {
  const run = await runCli(['analyze', '--db', db, '--format', 'json', ...extra]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { experiments: Experiment[] }).experiments[0]!;
}

describe('define and analyze by definition', () => {
  const csv = join(dir, 'split_test.csv');
  const db = join(dir, 'split.duckdb');
  writeFileSync(csv, eightyTwenty());

  it('blocks an 80/20 test on SRM until the split is declared, and carries version and hash', async () => {
    const imported = await runCli(['import', csv, '--db', db, '--unit', 'unit_id', '--variant', 'arm', '--control', 'control']);
    expect(imported.code).toBe(0);
    const before = await analyzeJson(db);
    expect(before.srm.flagged).toBe(true);
    expect(before.verdict.status).toBe('not_ready');
    expect(before.definition).toMatchObject({ version: 1, origin: 'stored', goalMetrics: ['converted'], split: null });

    const defined = await runCli(['define', 'split_test', '--db', db, '--split', '80,20', '--author', 'ana', '--format', 'json']);
    expect(defined.stderr).toBe('');
    const version = JSON.parse(defined.stdout) as { version: number; hash: string; author: string; summary: string };
    expect(version).toMatchObject({ version: 2, author: 'ana' });
    expect(version.summary).toBe('split: inherited → {"control":80,"treatment":20}');

    const after = await analyzeJson(db);
    expectClose(after.srm.chiSquare, 1.5625, 'chiSquare', 1e-12);
    expectClose(after.srm.pValue, 0.21129954733370696, 'pValue', 1e-9);
    expect(after.srm.flagged).toBe(false);
    expect(after.definition).toMatchObject({ version: 2, hash: version.hash, split: { control: 80, treatment: 20 } });
    expect(after.cuped?.note).toBe('CUPED is on but nothing is adjusted: no metric has a pre-exposure covariate declared.');
  });

  it('lists versions, and applies a --definition file for one run without storing it', async () => {
    const listed = await runCli(['define', 'split_test', '--db', db, '--versions']);
    expect(listed.stdout).toContain('definition version 1');
    expect(listed.stdout).toContain('definition version 2');
    const file = join(dir, 'override.json');
    writeFileSync(file, JSON.stringify({ experimentId: 'split_test', source: 'unit_table', secondaryMetrics: ['converted'] }));
    const once = await analyzeJson(db, ['--definition', file]);
    expect(once.definition).toMatchObject({ version: null, origin: 'override', goalMetrics: [] });
    expect(once.primaryMetric).toBeNull();
    expect(once.verdict.reason).toBe('No goal metric declared: nothing to decide on (experiment-desk define split_test --goal METRIC).');
    expect((await analyzeJson(db)).definition?.version).toBe(2);
  });

  it('refuses an invalid change with the field named, and saves nothing', async () => {
    const bad = await runCli(['define', 'split_test', '--db', db, '--covariate', 'converted=converted']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('covariates.converted');
    const listed = await runCli(['define', 'split_test', '--db', db, '--versions', '--format', 'json']);
    expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(2);
  });
});

const WA = 'wa_marketing_campaign/WA_Marketing-Campaign.csv';
describe.skipIf(datasetsMissing(WA))('WA marketing campaign through the command line', () => {
  it('has no goal (no verdict) until one is declared; then decides at store level', async () => {
    const db = join(dir, 'wa.duckdb');
    const imported = await runCli(['import', datasetPath(WA)!, '--db', db, '--unit', 'LocationID', '--variant', 'Promotion']);
    expect(imported.stdout).toContain('137 units have more than one row: their 548 rows are combined per unit (mean');
    const before = await analyzeJson(db, ['--min-sample', '40']);
    expect(before.primaryMetric).toBeNull();
    expect(before.verdict.reason).toContain('No goal metric declared');
    await runCli(['define', 'WA_Marketing-Campaign', '--db', db, '--goal', 'SalesInThousands', '--control', '1']);
    const after = await analyzeJson(db, ['--min-sample', '40']);
    expect(after.primaryMetric).toBe('SalesInThousands');
    expect(after.verdict.status).toBe('loser');
  });
});
