import { describe, expect, it } from 'vitest';
import type { ExperimentReport, MetricReport } from '../../contract/report.ts';
import { funnelLabel, funnelOption } from '../../charts/funnel.ts';
import { SCREEN_THEME } from '../../charts/theme.ts';

const step = (index: number, event: string, control: number, treatment: number | null): MetricReport => ({
  name: `funnel_${index}_${event}`, type: 'binomial', theta: null, errorCode: null, eligibleUnits: 200, cupedRequested: true,
  funnelStep: { index, event }, comparisons: [],
  variants: [{ variant: 'control', n: 100, mean: control, variance: null }, { variant: 'treatment', n: 100, mean: treatment, variance: null }],
});

const report = (metrics: MetricReport[]): ExperimentReport => ({ control: 'control', variants: ['control', 'treatment'], metrics } as unknown as ExperimentReport);

describe('funnel chart', () => {
  it('one bar per step and variant, as percentages, steps named in order; a missing share is a gap', () => {
    const option = funnelOption(report([step(1, 'page_view', 1, 1), step(2, 'checkout.started', 0.26, 0.284), step(3, 'checkout.completed', 0.0974, null)]), SCREEN_THEME) as {
      xAxis: { data: string[] }; series: { name: string; data: (number | string)[] }[];
    };
    expect(option.xAxis.data).toEqual(['1. page_view', '2. checkout.started', '3. checkout.completed']);
    expect(option.series.map((s) => s.name)).toEqual(['control', 'treatment']);
    expect(option.series[0]!.data).toEqual([100, 26, 9.74]);
    expect(option.series[1]!.data).toEqual([100, 28.4, '-']);
  });

  it('no funnel metrics: no chart; the text alternative gives every share', () => {
    expect(funnelOption(report([]), SCREEN_THEME)).toBeNull();
    expect(funnelLabel(report([step(1, 'page_view', 1, 0.5)]))).toBe(
      'Funnel: share of units that reached each step in order after exposure; step 1 page_view: control 100.00%, treatment 50.00%.');
  });
});
