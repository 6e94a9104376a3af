/**
 * The fourth input of the core issue: the project's own simulated event log (two experiments with
 * known effects, pre-period activity, multiple exposures, broken rows), through the command line,
 * compared with an independent pandas/SciPy implementation of every event-log metric and with
 * the simulator's own truth.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultScenario, writeEventLogCsv, type SimulationTruth } from '../../data/simulate/index.ts';
import { REPO_ROOT } from '../helpers/shared-datasets.ts';
import { runCli } from '../helpers/run-cli.ts';
import { expectExperimentMatches } from '../helpers/compare-report.ts';
import { tempDir } from '../helpers/temp-files.ts';

interface Report {
  experiments: (Record<string, unknown> & {
    experimentId: string; units: Record<string, number>; excludedUnits: { multipleExposures: number };
    metrics: { name: string; comparisons: { variant: string; relative: { estimate: number }; pValue: number; cuped: { varianceReduction: number } | null }[] }[];
    verdict: { status: string; variant?: string; reason: string; proposedTransition: string | null; arms?: { variant: string; status: string; breachedGuardrails: string[] }[] };
  })[];
  import: { files: { rowsRead: number; rowsAccepted: number; rowsRejected: number; rejectsByReason: Record<string, number>; zonelessTimestamps: number }[] };
}

const files = tempDir();
const fixture = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/datasets/simulated_event_log.json'), 'utf8')) as {
  inputSha256: string; generatedBy: string; experiments: Record<string, unknown>[];
  import: { rowsRead: number; rowsAccepted: number; rowsRejected: number; rejectsByReason: Record<string, number> };
};
let truth: SimulationTruth;
let report: Report;
let path: string;

beforeAll(async () => {
  path = files.path('simulated.csv');
  truth = await writeEventLogCsv(path, defaultScenario());
  const run = await runCli(['analyze', path, '--format', 'json']);
  expect(run.code, run.stderr).toBe(0);
  report = JSON.parse(run.stdout) as Report;
});

describe('simulated canonical event log (default scenario)', () => {
  it('is the file the reference was computed on', () => {
    const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
    expect(sha, `the simulator's output changed: regenerate the fixture with \`${fixture.generatedBy}\``).toBe(fixture.inputSha256);
  });

  it('rejects exactly the broken rows the simulator wrote, with their reasons, and balances', () => {
    const file = report.import.files[0]!;
    expect(file.rowsRead).toBe(truth.rowsWritten);
    expect(file.rowsRejected).toBe(Object.values(truth.brokenRows).reduce((a, b) => a + b, 0));
    expect(file.rejectsByReason).toEqual(Object.fromEntries(Object.entries(truth.brokenRows).filter(([, n]) => n > 0)));
    expect(file.rowsAccepted + file.rowsRejected).toBe(file.rowsRead);
    expect(file.zonelessTimestamps).toBe(truth.timestampFormats.zoneless);
    expect([file.rowsRead, file.rowsAccepted, file.rowsRejected]).toEqual([fixture.import.rowsRead, fixture.import.rowsAccepted, fixture.import.rowsRejected]);
  });

  it('assigns units and excludes multiple exposures as the simulator did', () => {
    for (const experiment of truth.experiments) {
      const analysed = report.experiments.find((e) => e.experimentId === experiment.experimentId)!;
      expect(analysed.units).toEqual(experiment.analyzableUnitsByVariant);
      expect(analysed.excludedUnits.multipleExposures).toBe(experiment.multipleExposureUnits);
    }
  });

  it('equals the independent pandas/SciPy analysis to 1e-6 for every metric, CI, p-value and CUPED θ', () => {
    expect(report.experiments.map((e) => e.experimentId)).toEqual(fixture.experiments.map((e) => e.experimentId));
    for (const [i, expected] of fixture.experiments.entries()) expectExperimentMatches(report.experiments[i]!, expected);
  });

  it('finds the true effects: checkout-redesign wins on conversion; spring-offer ships annual-20off while monthly-10off loses on the revenue guardrail', () => {
    const checkout = report.experiments.find((e) => e.experimentId === 'checkout-redesign')!;
    expect(checkout.verdict).toMatchObject({ status: 'winner', variant: 'treatment', proposedTransition: 'PROVEN' });
    const conversion = checkout.metrics.find((m) => m.name === 'conversion')!.comparisons[0]!;
    expect(conversion.cuped!.varianceReduction).toBeGreaterThan(0.05); // pre-period activity predicts conversion
    const spring = report.experiments.find((e) => e.experimentId === 'spring-offer')!;
    // Per-arm verdicts (docs/statistics.md, "Verdict"): the best winning arm is shipped; the arm
    // breaching the guardrail is a loser of its own and is named in the sentence as not shipped.
    expect(spring.verdict).toMatchObject({ status: 'winner', variant: 'annual-20off', proposedTransition: 'PROVEN' });
    expect(spring.verdict.arms).toEqual([
      expect.objectContaining({ variant: 'annual-20off', status: 'winner', breachedGuardrails: [] }),
      expect.objectContaining({ variant: 'monthly-10off', status: 'loser', breachedGuardrails: ['revenue_per_user'] }),
    ]);
    expect(spring.verdict.reason).toMatch(/^annual-20off lifts conversion by .*Not shipped: monthly-10off breaches guardrail revenue_per_user/);
    const revenue = spring.metrics.find((m) => m.name === 'revenue_per_user')!;
    expect(revenue.comparisons.find((c) => c.variant === 'annual-20off')!.relative.estimate).toBeGreaterThan(0);
    expect(revenue.comparisons.find((c) => c.variant === 'monthly-10off')!.relative.estimate).toBeLessThan(0);
  });
});
