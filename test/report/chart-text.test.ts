/**
 * Names from the data in the report's server-side charts and HTML (docs/security.md, "The
 * renderer"): escaped in the SVG, and drawn without bidi controls.
 */
import { describe, expect, it } from 'vitest';
import type { ExperimentReport, MetricReport } from '../../contract/report.ts';
import { cumulativeSvg, forestSvg, funnelSvg, retentionSvg } from '../../data/report/charts.ts';
import { esc } from '../../data/report/render-html.ts';

const HOSTILE = 'v2"><img src=x onerror=alert(1)>';
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
const interval = (estimate: number, ciLower: number, ciUpper: number) => ({ estimate, ciLower, ciUpper });

const metric = (name: string, variant: string, funnelStep?: MetricReport['funnelStep']): MetricReport => ({
  name, type: 'binomial', theta: null, errorCode: null, eligibleUnits: 200, cupedRequested: true, funnelStep,
  variants: [{ variant: 'control', n: 100, mean: 0.1, variance: 0.09 }, { variant, n: 100, mean: 0.12, variance: 0.1 }],
  comparisons: [{ variant, control: 'control', absolute: interval(0.02, 0.01, 0.03), relative: interval(0.2, 0.1, 0.3), pValue: 0.01, errorCode: null, cuped: null }],
} as unknown as MetricReport);

describe('report charts with hostile names', () => {
  it('the SVG escapes markup and carries no bidi control', () => {
    const variant = `${HOSTILE}\u202Eesrever\u2069`;
    const experiment = {
      control: 'control', variants: ['control', variant, 'v3'],
      metrics: [metric(`conv<img src=y>\u2066`, variant), metric('funnel_1', variant, { index: 1, event: '<img src=z>\u202Bstep' })],
    } as unknown as ExperimentReport;
    const svgs = [
      forestSvg(experiment, 'dark'),
      funnelSvg(experiment, 'light'),
      cumulativeSvg([{ day: Date.UTC(2026, 2, 2), variant, n: 10, relative: 0.1, ciLower: 0, ciUpper: 0.2 }], 'control', 'dark'),
      retentionSvg([{ day: 0, variant, mature: 10, rate: 0.5 }, { day: 0, variant: 'control', mature: 10, rate: 0.4 }], 'control', 'dark'),
    ];
    for (const svg of svgs) {
      expect(svg).toMatch(/^<svg/);
      expect(svg).not.toContain('<img');
      expect(svg).not.toMatch(BIDI);
    }
    expect(svgs[0]).toContain('&lt;img src=x onerror=alert(1)&gt;esrever');
  });

  it('the HTML escape drops bidi controls from text and attributes', () => {
    expect(esc(`x\u202E"<b>`)).toBe('x&quot;&lt;b&gt;');
  });
});
