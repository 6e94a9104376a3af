/**
 * From an analysis to a decision (data/changesets/proof.ts): the proofResult carries the
 * decisive comparison exactly as the report has it (CUPED-adjusted or not), the data's content
 * hash and the app version, and validates against the contract; the verdict proposes winner →
 * PROVEN, loser → ROLLED_BACK with a reason.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { proofResultSchema } from '../../contract/changesets/schemas.ts';
import type { ExperimentReport, ImportedFileReport } from '../../contract/report.ts';
import { defaultSettings } from '../../contract/settings.ts';
import { analyzeDatabase, importedFiles } from '../../data/analysis/analyze.ts';
import { APP_VERSION } from '../../data/app-version.ts';
import { buildProofResult, dataHash, proposeDecision } from '../../data/changesets/proof.ts';
import { openDatabase } from '../../data/database.ts';
import { importFile } from '../../data/import/import-file.ts';
import { tempDir } from '../helpers/temp-files.ts';
import { writeSmallDemo } from './demo-data.ts';

const files = tempDir();
let checkout: ExperimentReport;
let spring: ExperimentReport;
let imported: ImportedFileReport[];
let csvPath: string;

beforeAll(async () => {
  csvPath = await writeSmallDemo(files.path('demo.csv'));
  const db = await openDatabase(':memory:');
  try {
    await importFile(db, csvPath, {});
    const report = await analyzeDatabase(db, defaultSettings({ minSamplePerVariant: 500 }));
    checkout = report.experiments.find((e) => e.experimentId === 'checkout-redesign')!;
    spring = report.experiments.find((e) => e.experimentId === 'spring-offer')!;
    imported = await importedFiles(db);
  } finally {
    await db.close();
  }
});

const provenance = (cuped = true) => ({ files: imported, alpha: 0.05, cuped, generatedAt: new Date('2026-03-23T09:00:00Z') });

describe('proofResult', () => {
  it('carries the CUPED-adjusted decisive comparison, per-variant estimates, window, hash and version', () => {
    expect(checkout.verdict).toMatchObject({ status: 'winner', variant: 'treatment', proposedTransition: 'PROVEN' });
    const proof = buildProofResult(checkout, provenance());
    expect(proofResultSchema.safeParse(proof).success).toBe(true);
    const conversion = checkout.metrics.find((m) => m.name === 'conversion')!;
    const comparison = conversion.comparisons[0]!;
    expect(proof).toMatchObject({
      experimentId: 'checkout-redesign', metric: 'conversion', metricType: 'binomial', method: 'cuped', alpha: 0.05,
      control: 'control', variant: 'treatment',
      // The figures the verdict decided on: CUPED-adjusted, then Holm-corrected over the decision
      // family (conversion and the revenue guardrail: docs/statistics.md).
      absoluteUplift: comparison.corrected!.absolute, relativeUplift: comparison.corrected!.relative, pValue: comparison.corrected!.pValue,
      cuped: { theta: comparison.cuped!.theta, varianceReduction: comparison.cuped!.varianceReduction },
      verdict: { status: 'winner', reason: checkout.verdict.reason },
      analysisWindow: { start: checkout.firstExposure, end: checkout.dataEnd },
      appVersion: APP_VERSION,
      generatedAt: '2026-03-23T09:00:00.000Z',
    });
    expect(comparison.corrected).toMatchObject({ family: 'decision', method: 'holm', familySize: 2, cuped: true });
    expect(proof.pValue).toBeGreaterThanOrEqual(comparison.cuped!.pValue!);
    expect(proof.variants).toEqual(conversion.variants.map((v) => ({ variant: v.variant, isControl: v.variant === 'control', n: v.n, mean: v.mean, variance: v.variance })));
    expect(proof.variants.map((v) => v.n)).toEqual([checkout.units.control, checkout.units.treatment]);
    expect(proof.warnings.map((w) => w.code)).toEqual(checkout.warnings.map((w) => w.code));
    // The data hash is the imported file's own SHA-256: `sha256sum demo.csv` checks it.
    const fileHash = createHash('sha256').update(readFileSync(csvPath)).digest('hex');
    expect(proof.dataHash).toBe(`sha256:${fileHash}`);
    expect(proof.dataFiles).toEqual([{ name: 'demo.csv', sha256: fileHash, rowsAccepted: imported[0]!.rowsAccepted }]);
  });

  it('uses the unadjusted comparison when CUPED is off', () => {
    const proof = buildProofResult(checkout, provenance(false));
    const comparison = checkout.metrics.find((m) => m.name === 'conversion')!.comparisons[0]!;
    expect(proof).toMatchObject({ method: 'frequentist', cuped: null, absoluteUplift: comparison.absolute, relativeUplift: comparison.relative, pValue: comparison.pValue });
    expect(proof.comparisons[0]!.adjusted).toBe(false);
  });

  it('rests a rollback on the breached guardrail when the primary metric is not down', () => {
    const revenue = checkout.metrics.find((m) => m.name === 'revenue_per_user')!;
    const down = { estimate: -0.12, ciLower: -0.2, ciUpper: -0.04 };
    const breached: ExperimentReport = {
      ...checkout,
      verdict: { status: 'loser', variant: 'treatment', reason: 'revenue per user down 12%', proposedTransition: 'ROLLED_BACK' },
      metrics: checkout.metrics.map((m) => (m !== revenue ? m : {
        ...m,
        comparisons: m.comparisons.map((c) => ({ ...c, relative: down, pValue: 0.001, cuped: c.cuped && { ...c.cuped, relative: down, pValue: 0.001 }, corrected: null })),
      })),
    };
    const proof = buildProofResult(breached, provenance());
    expect(proof).toMatchObject({ metric: 'revenue_per_user', metricType: 'continuous', variant: 'treatment', relativeUplift: down, pValue: 0.001 });
    expect(proposeDecision(breached).to).toBe('ROLLED_BACK');
  });

  it('picks the arm of a forced decision on a multi-arm experiment by its uplift', () => {
    expect(spring.verdict.proposedTransition).toBeNull();
    const up = buildProofResult(spring, provenance(), 'PROVEN');
    const down = buildProofResult(spring, provenance(), 'ROLLED_BACK');
    const uplift = (variant: string | null): number => up.comparisons.find((c) => c.variant === variant)!.relativeUplift.estimate!;
    expect(up.variant).not.toBe(down.variant);
    expect(uplift(up.variant)).toBeGreaterThan(uplift(down.variant));
    expect(up.comparisons).toHaveLength(2);
  });

  it('hashes several files independently of their order', () => {
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    const expected = `sha256:${createHash('sha256').update(`${a}\n${b}`).digest('hex')}`;
    expect(dataHash([{ sha256: b }, { sha256: a }])).toBe(expected);
    expect(dataHash([{ sha256: a }, { sha256: b }])).toBe(expected);
    expect(() => dataHash([])).toThrow(/no imported file/);
  });
});

describe('proposeDecision', () => {
  it('proposes PROVEN for a winner, with a reason naming the data and the app version', () => {
    const proof = buildProofResult(checkout, provenance());
    const decision = proposeDecision(checkout, proof);
    expect(decision.to).toBe('PROVEN');
    expect(decision.variant).toBe('treatment');
    expect(decision.reason).toContain(checkout.verdict.reason);
    expect(decision.reason).toContain(`Experiment Desk ${APP_VERSION}`);
    expect(decision.reason).toContain(proof.dataHash.slice(0, 19));
  });

  it('proposes nothing for an inconclusive verdict', () => {
    expect(proposeDecision(spring)).toMatchObject({ to: null, variant: null });
    expect(proposeDecision(spring).reason).toMatch(/^No decision proposed/);
  });
});
