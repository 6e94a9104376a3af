/**
 * Multiple-comparison corrections wired over analysed metrics (stats/corrections.ts) against
 * statsmodels `multipletests` and the adjusted-interval formula (test/fixtures/stats/corrections.json,
 * command in its `generatedBy`), the p < α ⇔ CI excludes 0 coherence of the corrected figures, and
 * the verdict deciding on them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Interval, MetricResult, MultipleComparisonMethod, SampleMoments } from '../../stats/index.ts';
import { adjustedInterval, analyzeMetric, correctFamily, decideVerdict, effectiveComparison, normalUpperQuantile } from '../../stats/index.ts';
import { expectClose, loadFixture } from './helpers.ts';

interface Row {
  metric: string; variant: string; pValue: number; absolutePValue: number; adjustedPValue: number; adjustedAbsolutePValue: number;
  relative: { estimate: number; ciLower: number | null; ciUpper: number | null };
  absolute: { estimate: number; ciLower: number | null; ciUpper: number | null };
}
interface Fixture {
  alpha: number;
  inputs: {
    conversion: Record<string, { n: number; conversions: number }>;
    revenue_per_user: Record<string, { n: number; mean: number; sd: number }>;
    orders_per_user: Record<string, { n: number; mean: number; sd: number }>;
  };
  decision: Record<MultipleComparisonMethod, Row[]>;
  secondary: Row[];
  normalIsf: { q: number; z: number }[];
}
const fx = loadFixture<Fixture>('corrections.json');
const settings = { alpha: fx.alpha };
const ARMS = ['control', 'a', 'b'];

const binomial = (name: string, arms: Fixture['inputs']['conversion']): MetricResult => analyzeMetric({
  name, type: 'binomial', control: 'control', covariate: false,
  arms: ARMS.map((v) => ({ variant: v, moments: { n: arms[v]!.n, sum: arms[v]!.conversions, sumSquares: arms[v]!.conversions } })),
}, settings);
const continuous = (name: string, arms: Fixture['inputs']['revenue_per_user']): MetricResult => analyzeMetric({
  name, type: 'continuous', control: 'control', covariate: false,
  arms: ARMS.map((v) => {
    const { n, mean, sd } = arms[v]!;
    const moments: SampleMoments = { n, sum: n * mean, sumSquares: (n - 1) * sd * sd + n * mean * mean };
    return { variant: v, moments };
  }),
}, settings);

const conversion = binomial('conversion', fx.inputs.conversion);
const revenue = continuous('revenue_per_user', fx.inputs.revenue_per_user);
const orders = continuous('orders_per_user', fx.inputs.orders_per_user);

function expectInterval(got: Interval, want: Row['relative'], label: string): void {
  expectClose(got.estimate, want.estimate, `${label}.estimate`, 1e-9);
  for (const key of ['ciLower', 'ciUpper'] as const) {
    if (want[key] === null) expect(got[key], `${label}.${key}`).toBeNull();
    else expectClose(got[key], want[key], `${label}.${key}`, 1e-7);
  }
}

function expectFamily(metrics: MetricResult[], rows: Row[], method: MultipleComparisonMethod): void {
  for (const row of rows) {
    const c = metrics.find((m) => m.name === row.metric)!.comparisons.find((x) => x.variant === row.variant)!;
    const label = `${method} ${row.metric}/${row.variant}`;
    expectClose(c.pValue, row.pValue, `${label} raw p`, 1e-7);
    expect(c.corrected).toMatchObject({ method, familySize: rows.length, cuped: false });
    expectClose(c.corrected!.pValue, row.adjustedPValue, `${label} adjusted p`, 1e-7);
    expectClose(c.corrected!.absolutePValue, row.adjustedAbsolutePValue, `${label} adjusted absolute p`, 1e-7);
    expectInterval(c.corrected!.relative, row.relative, `${label} relative`);
    expectInterval(c.corrected!.absolute, row.absolute, `${label} absolute`);
  }
}

describe('normalUpperQuantile matches scipy norm.isf into the far tail', () => {
  it.each(fx.normalIsf)('q = $q', ({ q, z }) => expectClose(normalUpperQuantile(q), z, `isf(${q})`, 1e-12));
});

describe('correctFamily matches statsmodels multipletests and the adjusted-interval formula', () => {
  it.each(['none', 'bonferroni', 'holm', 'benjamini-hochberg'] as const)('decision family, %s', (method) => {
    const { metrics, summary } = correctFamily([conversion, revenue], 'decision', method, fx.alpha, false);
    expect(summary).toEqual({ family: 'decision', method, familySize: 4, metrics: ['conversion', 'revenue_per_user'] });
    expectFamily(metrics, fx.decision[method], method);
  });

  it('secondary family, Benjamini-Hochberg', () => {
    const { metrics } = correctFamily([orders], 'secondary', 'benjamini-hochberg', fx.alpha, false);
    expectFamily(metrics, fx.secondary, 'benjamini-hochberg');
  });

  it('leaves the unadjusted numbers untouched', () => {
    const { metrics } = correctFamily([conversion, revenue], 'decision', 'holm', fx.alpha, false);
    const { corrected, ...rest } = metrics[0]!.comparisons[0]!;
    expect(corrected).not.toBeNull();
    expect(rest).toEqual(conversion.comparisons[0]);
  });
});

describe('the verdict decides on the corrected figures', () => {
  it('arm a (raw p = 0.059) stays inconclusive; b wins at its Holm-adjusted p, its −2.8 % revenue being within the 5 % guardrail', () => {
    const { metrics } = correctFamily([conversion, revenue], 'decision', 'holm', fx.alpha, false);
    const v = decideVerdict({ primary: metrics[0]!, guardrails: [metrics[1]!], warnings: [], useCuped: false }, settings);
    expect(v).toMatchObject({ status: 'winner', variant: 'b', proposedTransition: 'PROVEN' });
    expect(v.reason).toMatch(/^b lifts conversion by \+13\.0% \[.*\], p = 0\.0\d+, Holm-adjusted over 4 tests\.$/);
    expect(v.arms!.map((a) => a.status)).toEqual(['inconclusive', 'winner']);
    // With a 2 % threshold the same significant −2.8 % breaches the guardrail.
    const strict = decideVerdict({ primary: metrics[0]!, guardrails: [metrics[1]!], warnings: [], useCuped: false, guardrailThresholds: { revenue_per_user: 0.02 } }, settings);
    expect(strict).toMatchObject({ status: 'loser', variant: 'b', proposedTransition: 'ROLLED_BACK' });
  });

  it('a comparison significant alone is not after the correction', () => {
    // Two arms at raw p ≈ 0.03 and 0.04: Holm gives 0.06 and 0.06 → no winner.
    const primary = binomial('conversion', {
      control: { n: 10_000, conversions: 1000 }, a: { n: 10_000, conversions: 1096 }, b: { n: 10_000, conversions: 1092 },
    });
    const raw = primary.comparisons.map((c) => c.pValue!);
    expect(Math.max(...raw)).toBeLessThan(0.05);
    expect(decideVerdict({ primary, guardrails: [], warnings: [], useCuped: false }, settings).status).toBe('winner');
    const corrected = correctFamily([primary], 'decision', 'holm', 0.05, false).metrics[0]!;
    const v = decideVerdict({ primary: corrected, guardrails: [], warnings: [], useCuped: false }, settings);
    expect(v.status).toBe('inconclusive');
    expect(effectiveComparison(corrected.comparisons[0]!, false).pValue).toBeGreaterThan(0.05);
  });
});

describe('coherence of the corrected figures', () => {
  it('adjusted p < α exactly when the adjusted interval excludes 0', () => {
    fc.assert(fc.property(
      fc.double({ min: -10, max: 10, noNaN: true }).filter((x) => Math.abs(x) > 1e-9),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0.001, max: 0.5, noNaN: true }),
      (estimate, p, alpha) => {
        const ci = adjustedInterval({ estimate, ciLower: null, ciUpper: null }, p, alpha);
        if (p >= 1) return ci.ciLower === null && ci.ciUpper === null;
        const excludes = ci.ciLower! > 0 || ci.ciUpper! < 0;
        // Exact ties at the boundary are a floating-point coin toss.
        return Math.abs(p - alpha) < 1e-12 || excludes === p < alpha;
      },
    ), { numRuns: 2000 });
  });

  it('with a family of one and a normal reference, the re-derived interval is the unadjusted one', () => {
    const single = analyzeMetric({
      name: 'conversion', type: 'binomial', control: 'control', covariate: false,
      arms: ['control', 'b'].map((v) => ({ variant: v, moments: { n: fx.inputs.conversion[v]!.n, sum: fx.inputs.conversion[v]!.conversions, sumSquares: fx.inputs.conversion[v]!.conversions } })),
    }, settings);
    const c = correctFamily([single], 'decision', 'holm', fx.alpha, false).metrics[0]!.comparisons[0]!;
    expect(c.corrected!.pValue).toBe(c.pValue);
    expectClose(c.corrected!.relative.ciLower, c.relative.ciLower!, 'lower', 1e-9);
    expectClose(c.corrected!.relative.ciUpper, c.relative.ciUpper!, 'upper', 1e-9);
  });
});
