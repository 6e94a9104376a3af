/**
 * The CI share of `npm run simulate:errors` (test/simulate/errors/error-rates.ts): a few seconds of
 * seeded Monte Carlo, asserting that each measured rate's 95 % Monte Carlo interval is consistent
 * with its target (docs/statistics.md, "Measured error rates").
 */
import { describe, expect, it } from 'vitest';
import { aaVerdictFalsePositives, coverage, peekingFalsePositives, rate } from './error-rates.ts';

const SEED = 4242;

describe('measured error rates (CI share)', () => {
  it('the Wilson interval', () => {
    const r = rate(50, 1000);
    expect(r.lower).toBeCloseTo(0.0381, 3);
    expect(r.upper).toBeCloseTo(0.0653, 3);
  });

  it.each(['binomial', 'continuous', 'cuped', 'ratio'] as const)('CI coverage, %s: 95 %% ± 1 %% is inside the Monte Carlo interval', (kind) => {
    const r = coverage(kind, 600, 1000, SEED);
    expect(r.upper, `${kind}: ${r.rate}`).toBeGreaterThanOrEqual(0.94);
    expect(r.lower, `${kind}: ${r.rate}`).toBeLessThanOrEqual(0.96);
  });

  it.each([2, 3])('A/A false-positive rate of the verdict, %i arms, Holm: consistent with ≤ α', (arms) => {
    const r = aaVerdictFalsePositives(arms, 500, 1000, SEED + arms);
    expect(r.lower, `${r.rate}`).toBeLessThanOrEqual(0.05);
  });

  it('a look every day for 21 days: sequential stays ≤ α, the fixed horizon does not', () => {
    const sequential = peekingFalsePositives('sequential', 200, 100, 21, SEED);
    const fixed = peekingFalsePositives('fixed', 200, 100, 21, SEED);
    expect(sequential.lower, `${sequential.rate}`).toBeLessThanOrEqual(0.05);
    expect(fixed.rate).toBeGreaterThan(sequential.rate);
    expect(fixed.lower, `${fixed.rate}`).toBeGreaterThan(0.05);
  });
});
