/**
 * Public API of `stats/`: pure statistics over sufficient statistics. See README.md.
 */
export type * from './types.ts';
export * from './distributions.ts';
export * from './finite.ts';
export * from './moments.ts';
export * from './welch.ts';
export * from './difference.ts';
export * from './relative-uplift.ts';
export * from './estimate-comparison.ts';
export * from './compare-arms.ts';
export * from './ratio.ts';
export * from './cuped.ts';
export * from './add-moments.ts';
export * from './srm.ts';
export * from './power.ts';
export * from './sequential.ts';
export * from './multiple-comparisons.ts';
export * from './corrections.ts';
export * from './bayesian.ts';
export * from './format.ts';
export * from './warnings.ts';
export * from './verdict.ts';
export * from './analyze-metric.ts';
