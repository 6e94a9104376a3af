/** decideVerdict: docs/changesets.md rules, from literal sufficient statistics through analyzeMetric. */
import { describe, expect, it } from 'vitest';
import type { AnalysisWarning, CovariateMoments, MetricResult, SampleMoments } from '../../stats/index.ts';
import { analyzeMetric, decideVerdict } from '../../stats/index.ts';

const settings = { alpha: 0.05 };
const conv = (n: number, x: number): SampleMoments => ({ n, sum: x, sumSquares: x });
const conversion = (...arms: [string, number, number][]): MetricResult =>
  analyzeMetric({ name: 'conversion', type: 'binomial', control: 'control', covariate: false, arms: arms.map(([variant, n, x]) => ({ variant, moments: conv(n, x) })) }, settings);
/** A continuous guardrail with per-unit sd 10 and the given means. */
const revenue = (...arms: [string, number, number][]): MetricResult =>
  analyzeMetric(
    {
      name: 'revenue_per_user',
      type: 'continuous',
      control: 'control',
      covariate: false,
      arms: arms.map(([variant, n, mean]) => ({ variant, moments: { n, sum: n * mean, sumSquares: (n - 1) * 100 + n * mean * mean } })),
    },
    settings,
  );
const srmWarning: AnalysisWarning = { code: 'sample_ratio_mismatch', message: 'Sample ratio mismatch: control 10,000, treatment 11,000 (p < 0.001).' };

describe('decideVerdict', () => {
  it('winner: primary significantly positive, reason with uplift, CI and p; proposes PROVEN', () => {
    const v = decideVerdict({ primary: conversion(['control', 10_000, 1000], ['treatment', 10_000, 1150]), guardrails: [], warnings: [], useCuped: false }, settings);
    expect(v.status).toBe('winner');
    expect(v.variant).toBe('treatment');
    expect(v.proposedTransition).toBe('PROVEN');
    expect(v.reason).toBe('treatment lifts conversion by +15.0% [+5.8%, +24.2%], p = 0.00141.');
  });

  it('the p-value in the reason is the one of the relative CI shown: 130/1000 vs 100/1000 is not a winner', () => {
    // +30 % [−1.9 %, +61.9 %]: the delta-method CI covers 0, so p ≥ α (p = 0.0654); the pooled
    // two-proportion z-test of the difference (p = 0.0355) used to call this a winner.
    const v = decideVerdict({ primary: conversion(['control', 1000, 100], ['treatment', 1000, 130]), guardrails: [], warnings: [], useCuped: false }, settings);
    expect(v.status).toBe('inconclusive');
    expect(v.reason).toBe('No significant difference on conversion at alpha = 0.05: treatment +30.0% [-1.9%, +61.9%], p = 0.0654.');
  });

  it('loser: primary significantly negative; proposes ROLLED_BACK', () => {
    const v = decideVerdict({ primary: conversion(['control', 10_000, 1000], ['treatment', 10_000, 850]), guardrails: [], warnings: [], useCuped: false }, settings);
    expect(v).toMatchObject({ status: 'loser', variant: 'treatment', proposedTransition: 'ROLLED_BACK' });
    expect(v.reason).toContain('treatment lowers conversion by -15.0%');
  });

  it('loser: a guardrail significantly down by more than 5 % overrides a winning primary', () => {
    const v = decideVerdict(
      {
        primary: conversion(['control', 10_000, 1000], ['treatment', 10_000, 1150]),
        guardrails: [revenue(['control', 10_000, 50], ['treatment', 10_000, 47])],
        warnings: [],
        useCuped: false,
      },
      settings,
    );
    expect(v).toMatchObject({ status: 'loser', variant: 'treatment', proposedTransition: 'ROLLED_BACK' });
    expect(v.reason).toContain('breaches guardrail revenue_per_user: -6.0%');
    expect(v.reason).toContain('5% auto-rollback limit');
  });

  it('a guardrail significantly down by less than 5 % is not a breach', () => {
    const v = decideVerdict(
      {
        primary: conversion(['control', 10_000, 1000], ['treatment', 10_000, 1150]),
        guardrails: [revenue(['control', 10_000, 50], ['treatment', 10_000, 48.5])],
        warnings: [],
        useCuped: false,
      },
      settings,
    );
    expect(v.status).toBe('winner');
  });

  it('a guardrail down more than 5 % without significance is not a breach', () => {
    const v = decideVerdict(
      {
        primary: conversion(['control', 10_000, 1000], ['treatment', 10_000, 1150]),
        guardrails: [revenue(['control', 20, 50], ['treatment', 20, 45])],
        warnings: [],
        useCuped: false,
      },
      settings,
    );
    expect(v.status).toBe('winner');
  });

  it('not_ready on a blocking warning, whatever the numbers', () => {
    const v = decideVerdict(
      { primary: conversion(['control', 10_000, 1000], ['treatment', 10_000, 1150]), guardrails: [], warnings: [srmWarning, { code: 'min_runtime_not_reached', message: 'x' }], useCuped: false },
      settings,
    );
    expect(v).toMatchObject({ status: 'not_ready', proposedTransition: null });
    expect(v.reason).toContain('Sample ratio mismatch');
    expect(v.reason).toContain('Also: minimum runtime not reached.');
  });

  it('non-blocking warnings do not block', () => {
    const v = decideVerdict(
      { primary: conversion(['control', 10_000, 1000], ['treatment', 10_000, 1150]), guardrails: [], warnings: [{ code: 'low_conversions', message: 'x' }, { code: 'underpowered', message: 'y' }], useCuped: false },
      settings,
    );
    expect(v.status).toBe('winner');
  });

  it('inconclusive when nothing is significant, with the closest result in the reason', () => {
    const v = decideVerdict({ primary: conversion(['control', 10_000, 1000], ['treatment', 10_000, 1030]), guardrails: [], warnings: [], useCuped: false }, settings);
    expect(v).toMatchObject({ status: 'inconclusive', proposedTransition: null });
    expect(v.variant).toBeUndefined();
    expect(v.reason).toMatch(/^No significant difference on conversion at alpha = 0\.05: treatment \+3\.0% \[-[\d.]+%, \+[\d.]+%\], p = 0\.\d+\.$/);
  });

  it('inconclusive when no test is possible', () => {
    const v = decideVerdict({ primary: conversion(['control', 100, 0], ['treatment', 100, 0]), guardrails: [], warnings: [], useCuped: false }, settings);
    expect(v.status).toBe('inconclusive');
    expect(v.reason).toContain('ZERO_VARIANCE');
  });

  it('several winners: the largest relative uplift wins', () => {
    const v = decideVerdict(
      { primary: conversion(['control', 10_000, 1000], ['small', 10_000, 1120], ['big', 10_000, 1250]), guardrails: [], warnings: [], useCuped: false },
      settings,
    );
    expect(v).toMatchObject({ status: 'winner', variant: 'big' });
  });

  it('uses the CUPED comparison when asked and available', () => {
    // y = x + small noise: CUPED removes almost all variance; the unadjusted test sees nothing.
    const arm = (n: number, my: number, mx: number): CovariateMoments => {
      const vx = 100;
      const vy = 101;
      const cov = 100;
      return { n, sum: n * my, sumSquares: (n - 1) * vy + n * my * my, sumX: n * mx, sumX2: (n - 1) * vx + n * mx * mx, sumXY: (n - 1) * cov + n * mx * my };
    };
    const primary = analyzeMetric(
      { name: 'revenue_per_user', type: 'continuous', control: 'control', covariate: true, arms: [{ variant: 'control', moments: arm(200, 50, 50) }, { variant: 'treatment', moments: arm(200, 50.5, 50) }] },
      settings,
    );
    expect(decideVerdict({ primary, guardrails: [], warnings: [], useCuped: false }, settings).status).toBe('inconclusive');
    const v = decideVerdict({ primary, guardrails: [], warnings: [], useCuped: true }, settings);
    expect(v.status).toBe('winner');
    expect(v.reason).toContain('CUPED-adjusted');
  });
});

describe('decideVerdict per arm', () => {
  it('ships the best winning arm even when another arm breaches a guardrail; each arm has its own verdict', () => {
    const v = decideVerdict(
      {
        primary: conversion(['control', 10_000, 1000], ['good', 10_000, 1150], ['cheap', 10_000, 1160]),
        guardrails: [revenue(['control', 10_000, 50], ['good', 10_000, 50.5], ['cheap', 10_000, 45])],
        warnings: [],
        useCuped: false,
      },
      settings,
    );
    expect(v).toMatchObject({ status: 'winner', variant: 'good', proposedTransition: 'PROVEN' });
    expect(v.reason).toMatch(/^good lifts conversion by \+15\.0% /);
    expect(v.reason).toContain('Not shipped: cheap breaches guardrail revenue_per_user: -10.0%');
    expect(v.arms).toEqual([
      expect.objectContaining({ variant: 'good', status: 'winner', breachedGuardrails: [] }),
      expect.objectContaining({ variant: 'cheap', status: 'loser', breachedGuardrails: ['revenue_per_user'] }),
    ]);
  });

  it('rolls back when no arm wins and one loses; the sentence names the arm', () => {
    const v = decideVerdict(
      {
        primary: conversion(['control', 10_000, 1000], ['a', 10_000, 1030], ['b', 10_000, 1010]),
        guardrails: [revenue(['control', 10_000, 50], ['a', 10_000, 50], ['b', 10_000, 46])],
        warnings: [],
        useCuped: false,
      },
      settings,
    );
    expect(v).toMatchObject({ status: 'loser', variant: 'b', proposedTransition: 'ROLLED_BACK' });
    expect(v.reason).toMatch(/^b breaches guardrail revenue_per_user: -8\.0%/);
    expect(v.arms!.map((a) => a.status)).toEqual(['inconclusive', 'loser']);
    expect(v.arms![0]!.reason).toMatch(/^a: no significant difference on conversion/);
  });

  it('a primary loser is named before a guardrail loser', () => {
    const v = decideVerdict(
      {
        primary: conversion(['control', 10_000, 1000], ['down', 10_000, 850], ['breach', 10_000, 1000]),
        guardrails: [revenue(['control', 10_000, 50], ['down', 10_000, 50], ['breach', 10_000, 40])],
        warnings: [],
        useCuped: false,
      },
      settings,
    );
    expect(v).toMatchObject({ status: 'loser', variant: 'down' });
    expect(v.arms!.map((a) => a.status)).toEqual(['loser', 'loser']);
  });

  it('guardrail thresholds are per metric: a 6 % drop breaches at 5 % but not at 10 %', () => {
    const input = {
      primary: conversion(['control', 10_000, 1000], ['treatment', 10_000, 1150]),
      guardrails: [revenue(['control', 10_000, 50], ['treatment', 10_000, 47])],
      warnings: [],
      useCuped: false,
    };
    expect(decideVerdict(input, settings).status).toBe('loser');
    const v = decideVerdict({ ...input, guardrailThresholds: { revenue_per_user: 0.1 } }, settings);
    expect(v).toMatchObject({ status: 'winner', variant: 'treatment' });
    expect(decideVerdict({ ...input, guardrailThresholds: { revenue_per_user: 0.05 } }, settings).reason).toContain('5% auto-rollback limit');
  });

  it('not_ready marks every arm not_ready', () => {
    const v = decideVerdict(
      { primary: conversion(['control', 10_000, 1000], ['a', 10_000, 1150], ['b', 10_000, 1000]), guardrails: [], warnings: [srmWarning], useCuped: false },
      settings,
    );
    expect(v.arms!.map((a) => a.status)).toEqual(['not_ready', 'not_ready']);
  });
});

describe('decideVerdict with method bayesian and sequential', () => {
  const bayes = { alpha: 0.05, method: 'bayesian' as const };
  const conversionWith = (s: typeof bayes | { alpha: number; method: 'sequential' }, ...arms: [string, number, number][]): MetricResult =>
    analyzeMetric({ name: 'conversion', type: 'binomial', control: 'control', covariate: false, arms: arms.map(([variant, n, x]) => ({ variant, moments: conv(n, x) })) }, s);

  it('winner when the chance to beat control is ≥ 95 % and the risk below 0.25 %', () => {
    const primary = conversionWith(bayes, ['control', 10_000, 1000], ['treatment', 10_000, 1150]);
    const b = primary.comparisons[0]!.bayesian!;
    expect(b.chanceToBeatControl!).toBeGreaterThan(0.95);
    const v = decideVerdict({ primary, guardrails: [], warnings: [], useCuped: false, method: 'bayesian' }, bayes);
    expect(v).toMatchObject({ status: 'winner', variant: 'treatment', proposedTransition: 'PROVEN' });
    expect(v.reason).toMatch(/^treatment lifts conversion by \+1\d\.\d% \[.*\], chance to beat control 99\.\d%, risk /);
  });

  it('inconclusive when the risk is above the threshold even with a high chance to win', () => {
    const primary = conversionWith(bayes, ['control', 1000, 100], ['treatment', 1000, 130]);
    const v = decideVerdict({ primary, guardrails: [], warnings: [], useCuped: false, method: 'bayesian', riskThreshold: 0.0001 }, bayes);
    expect(v.status).toBe('inconclusive');
    expect(v.reason).toMatch(/^No decision on conversion: treatment .*chance to beat control/);
  });

  it('loser when the chance to beat control is ≤ 5 %', () => {
    const primary = conversionWith(bayes, ['control', 10_000, 1000], ['treatment', 10_000, 850]);
    expect(decideVerdict({ primary, guardrails: [], warnings: [], useCuped: false, method: 'bayesian' }, bayes)).toMatchObject({ status: 'loser', proposedTransition: 'ROLLED_BACK' });
  });

  it('sequential: a fixed-horizon winner may not yet be a sequential one', () => {
    const seq = { alpha: 0.05, method: 'sequential' as const };
    const primary = conversionWith(seq, ['control', 10_000, 1000], ['treatment', 10_000, 1090]);
    expect(decideVerdict({ primary: conversion(['control', 10_000, 1000], ['treatment', 10_000, 1090]), guardrails: [], warnings: [], useCuped: false }, settings).status).toBe('winner');
    expect(decideVerdict({ primary, guardrails: [], warnings: [], useCuped: false }, seq).status).toBe('inconclusive');
  });
});
