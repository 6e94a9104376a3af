/**
 * Names from the data in the charts (docs/security.md, "The renderer"): the forest tooltip —
 * HTML that echarts inserts as markup — escapes them, the other tooltips are echarts' own
 * (which escapes names and values), and no chart shows a bidi control.
 */
import { describe, expect, it } from 'vitest';
import type { CumulativeSeries, RetentionSeries } from '../../contract/series.ts';
import { cumulativeLabel, cumulativeOption } from '../../charts/cumulative.ts';
import { forestLabel, forestOption, forestRows } from '../../charts/forest.ts';
import { funnelLabel, funnelOption } from '../../charts/funnel.ts';
import { retentionLabel, retentionOption } from '../../charts/retention.ts';
import { SCREEN_THEME } from '../../charts/theme.ts';
import { BIDI, experiment as report, metric } from './chart-fixtures.ts';

const HOSTILE_METRIC = 'rev<img src=x onerror=alert(1)>';
const HOSTILE_VARIANT = 'v2"><img src=x onerror=alert(2)>\u202Eevil\u2066';

type Tooltip = { formatter?: (params: unknown) => string; valueFormatter?: unknown };

describe('forest tooltip', () => {
  it('escapes metric and variant names: a hostile name never becomes markup', () => {
    const rows = forestRows(report([metric(HOSTILE_METRIC, HOSTILE_VARIANT)], ['control', HOSTILE_VARIANT, 'v3']));
    const option = forestOption(rows, SCREEN_THEME) as { tooltip: Tooltip; yAxis: { data: string[] } };
    const formatter = option.tooltip.formatter!;
    for (const seriesName of ['Unadjusted', 'CUPED']) {
      const html = formatter({ seriesName, value: [10, 30, 20, 0] });
      expect(html).not.toContain('<img');
      expect(html).toContain('rev&lt;img src=x onerror=alert(1)&gt;');
      expect(html).toContain('v2&quot;&gt;&lt;img src=x onerror=alert(2)&gt;evil');
      expect(html).toMatch(/<br\/>(Unadjusted|CUPED): \+\d/);
      expect(html).not.toMatch(BIDI);
    }
    // The axis labels are drawn as SVG text (not HTML): plain, but without bidi controls.
    expect(option.yAxis.data).toEqual([`${HOSTILE_METRIC} · v2"><img src=x onerror=alert(2)>evil`]);
    expect(forestLabel(rows, 0.05)).not.toMatch(BIDI);
  });
});

describe('the other charts', () => {
  const bidiVariant = 'v\u202Eroloc\u202C2';
  const columns = (values: number[]) => Float64Array.from(values);

  it('keep echarts\' own tooltip (it escapes) and show names without bidi controls', () => {
    const cumulative: CumulativeSeries = {
      variants: ['control', bidiVariant], rows: 2,
      byVariant: new Map([[bidiVariant, { day: columns([1, 2]), n: columns([10, 20]), relative: columns([0.1, 0.2]), ciLower: columns([0, 0.1]), ciUpper: columns([0.2, 0.3]) }]]),
    };
    const retention: RetentionSeries = {
      variants: ['control', bidiVariant], rows: 2,
      byVariant: new Map([
        ['control', { day: columns([0, 1]), mature: columns([10, 10]), rate: columns([1, 0.5]) }],
        [bidiVariant, { day: columns([0, 1]), mature: columns([10, 10]), rate: columns([1, 0.6]) }],
      ]),
    };
    const funnel = report([metric('funnel_1', bidiVariant, { index: 1, event: 'page\u2067view' })], ['control', bidiVariant]);
    const options = [cumulativeOption(cumulative, 'control', SCREEN_THEME)!, retentionOption(retention, 'control', SCREEN_THEME)!, funnelOption(funnel, SCREEN_THEME)!] as
      { tooltip: Tooltip; series: { name: string }[]; legend: { data: string[] } }[];
    for (const option of options) {
      expect(option.tooltip.formatter).toBeUndefined();
      expect(JSON.stringify(option.series.map((s) => s.name))).not.toMatch(BIDI);
      expect(option.legend.data).toContain('vroloc2');
      expect(option.legend.data.join()).not.toMatch(BIDI);
    }
    expect((options[2] as unknown as { xAxis: { data: string[] } }).xAxis.data).toEqual(['1. pageview']);
    for (const label of [cumulativeLabel(cumulative, 'control', 'conv\u202Ersion'), retentionLabel(retention), funnelLabel(funnel)]) {
      expect(label).not.toMatch(BIDI);
    }
  });
});
