/**
 * How a definition shapes one experiment's analysis (data/definitions/apply-definition.ts):
 * inherited vs declared settings, metric order and covariates, split weights, CUPED status.
 */
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../contract/settings.ts';
import { experimentDefinitionSchema } from '../../contract/experiment-definition.ts';
import { cupedStatus, frameForDefinition, settingsForDefinition, splitWeights } from '../../data/definitions/apply-definition.ts';
import { analyzeExperiment } from '../../data/analysis/analyze.ts';
import type { ExperimentFrame, MetricFrame } from '../../data/metrics/experiment-frame.ts';

function metric(name: string, covariate: boolean): MetricFrame {
  const moments = (n: number, s: number) => (covariate
    ? { n, sum: s, sumSquares: s, sumX: s / 2, sumX2: s / 2, sumXY: s / 4 }
    : { n, sum: s, sumSquares: s });
  return {
    input: { name, type: 'binomial', covariate, arms: [{ variant: 'A', moments: moments(1000, 100) }, { variant: 'B', moments: moments(250, 40) }] },
    covariateRequested: covariate, eligibleUnits: 1250, retentionDay: null, funnelStep: null,
  };
}

const frame: ExperimentFrame = {
  experimentId: 'e', source: 'events', mappedControl: null, multipleExposures: 0, totalUnits: 1250,
  firstExposure: '2026-01-01T00:00:00Z', dataEnd: '2026-01-20T00:00:00Z',
  arms: [{ variant: 'A', units: 1000, markedControl: false }, { variant: 'B', units: 250, markedControl: false }],
  metrics: [metric('conversion', true), metric('revenue_per_user', true), metric('funnel_1_page_view', true)],
};

describe('apply definition', () => {
  it('declares what it sets and inherits the rest from the settings', () => {
    const d = experimentDefinitionSchema.parse({ experimentId: 'e', source: 'events', alpha: 0.01, correction: 'bh' });
    const s = settingsForDefinition(defaultSettings({ minSamplePerVariant: 500 }), d);
    expect(s.alpha).toBe(0.01);
    expect(s.minSamplePerVariant).toBe(500);
    expect((s as { correction?: string }).correction).toBe('benjamini-hochberg');
  });

  it('puts the goal first, drops CUPED from a declared metric without a covariate, keeps undeclared event-log metrics', () => {
    const d = experimentDefinitionSchema.parse({
      experimentId: 'e', source: 'events', goalMetrics: ['revenue_per_user'], secondaryMetrics: ['conversion', 'aov'],
      covariates: { revenue_per_user: { kind: 'pre_period' } },
    });
    const { frame: shaped, missing } = frameForDefinition(frame, d);
    expect(shaped.metrics.map((m) => [m.input.name, m.input.covariate])).toEqual([
      ['revenue_per_user', true], ['conversion', false], ['funnel_1_page_view', true],
    ]);
    expect(missing).toEqual(['aov']);
    expect(shaped.metrics[1]!.input.arms[0]!.moments).toEqual({ n: 1000, sum: 100, sumSquares: 100 });
  });

  it('weights SRM by the declared split, and names the CUPED status', () => {
    const d = experimentDefinitionSchema.parse({ experimentId: 'e', source: 'events', split: { A: 80, B: 20 } });
    expect(splitWeights(d, ['A', 'B', 'C'])).toEqual([80, 20, 0]);
    expect(splitWeights(null, ['A', 'B'])).toBeUndefined();
    expect(cupedStatus(true, [{ name: 'x', cupedRequested: false }]).note).toContain('no metric has a pre-exposure covariate declared');
    expect(cupedStatus(false, []).note).toBe('CUPED is off: every result is unadjusted.');
    const report = analyzeExperiment(frame, defaultSettings({ minSamplePerVariant: 10 }), {
      definition: d, ref: { version: 3, hash: 'h', origin: 'stored' },
    });
    expect(report.srm.chiSquare).toBe(0);
    expect(report.definition).toMatchObject({ version: 3, hash: 'h', split: { A: 80, B: 20 }, alpha: 0.05 });
    expect(report.primaryMetric).toBeNull();
    expect(report.verdict.status).toBe('not_ready');
  });
});
