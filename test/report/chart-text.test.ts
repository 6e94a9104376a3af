/**
 * Names from the data in the report's server-side charts and HTML (docs/security.md, "The
 * renderer"): escaped in the SVG, and drawn without bidi controls.
 */
import { describe, expect, it } from 'vitest';
import { cumulativeSvg, forestSvg, funnelSvg, retentionSvg } from '../../data/report/charts.ts';
import { esc } from '../../data/report/render-html.ts';
import { BIDI, experiment as report, metric } from '../charts/chart-fixtures.ts';

const HOSTILE = 'v2"><img src=x onerror=alert(1)>';

describe('report charts with hostile names', () => {
  it('the SVG escapes markup and carries no bidi control', () => {
    const variant = `${HOSTILE}\u202Eesrever\u2069`;
    const experiment = report([metric(`conv<img src=y>\u2066`, variant), metric('funnel_1', variant, { index: 1, event: '<img src=z>\u202Bstep' })], ['control', variant, 'v3']);
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
