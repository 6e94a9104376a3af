/** Experiment reports with names from the data, for the chart tests (app and report). */
import type { ExperimentReport, MetricReport } from '../../contract/report.ts';

/** Any Unicode bidi control (docs/security.md: never drawn). */
export const BIDI = /[\u202A-\u202E\u2066-\u2069]/;

export const interval = (estimate: number, ciLower: number, ciUpper: number) => ({ estimate, ciLower, ciUpper });

/** A binomial metric with one treatment `variant` against `control`, unadjusted and CUPED. */
export const metric = (name: string, variant: string, funnelStep?: MetricReport['funnelStep']): MetricReport => ({
  name, type: 'binomial', theta: null, errorCode: null, eligibleUnits: 200, cupedRequested: true, funnelStep,
  variants: [{ variant: 'control', n: 100, mean: 0.1, variance: 0.09 }, { variant, n: 100, mean: 0.12, variance: 0.1 }],
  comparisons: [{
    variant, control: 'control', absolute: interval(0.02, 0.01, 0.03), relative: interval(0.2, 0.1, 0.3), pValue: 0.01, errorCode: null,
    cuped: { theta: 0.4, varianceReduction: 0.1, absolute: interval(0.02, 0.01, 0.03), relative: interval(0.19, 0.11, 0.28), pValue: 0.01, errorCode: null },
  }],
} as unknown as MetricReport);

/** An experiment of `metrics` over `variants`, the first being `control`. */
export const experiment = (metrics: MetricReport[], variants: string[]): ExperimentReport =>
  ({ control: 'control', variants, metrics } as unknown as ExperimentReport);
