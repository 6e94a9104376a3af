/**
 * The report's charts are the screen's, printed (docs/reports.md, "Formats"): one option builder
 * per chart, and the theme changes colours, tooltip and motion — never the data, the series, the
 * axes or the layout.
 */
import { describe, expect, it } from 'vitest';
import { cumulativeOption } from '../../charts/cumulative.ts';
import { forestOption, forestRows } from '../../charts/forest.ts';
import { funnelOption } from '../../charts/funnel.ts';
import { retentionOption } from '../../charts/retention.ts';
import { PRINT_THEME, SCREEN_THEME, staticTheme, type ChartTheme } from '../../charts/theme.ts';
import { groupCumulative, groupRetention } from '../../contract/series.ts';
import { experiment, metric } from './chart-fixtures.ts';

type Option = {
  animation: boolean; tooltip?: unknown; grid: unknown; legend: { data: string[] };
  xAxis: { type: string; data?: unknown }; yAxis: { type: string; data?: unknown };
  series: { type: string; name: string; data: unknown; symbol?: string; symbolSize?: number; itemStyle?: { color?: string } }[];
};

const day = Date.UTC(2026, 2, 2) + 864e5 - 1;
const cumulative = groupCumulative({
  variant: ['v2', 'v3', 'v2', 'v3'], day: Float64Array.from([day, day, day + 864e5, day + 864e5]), n: Float64Array.from([10, 10, 20, 20]),
  relative: Float64Array.from([0.1, Number.NaN, 0.12, -0.02]), ciLower: Float64Array.from([0, Number.NaN, 0.02, -0.1]), ciUpper: Float64Array.from([0.2, Number.NaN, 0.22, 0.06]),
});
const retention = groupRetention({
  variant: ['v2', 'v2', 'control', 'control'], day: Float64Array.from([0, 1, 0, 1]),
  mature: Float64Array.from([50, 40, 50, 40]), rate: Float64Array.from([1, 0.5, 1, 0.45]),
});
const report = experiment([metric('conversion', 'v2'), metric('funnel_1_page_view', 'v2', { index: 1, event: 'page_view' })], ['control', 'v2']);

const builders: Record<string, (theme: ChartTheme) => unknown> = {
  forest: (theme) => forestOption(forestRows(report), theme),
  cumulative: (theme) => cumulativeOption(cumulative, 'control', theme),
  retention: (theme) => retentionOption(retention, 'control', theme),
  funnel: (theme) => funnelOption(report, theme),
};

/** What a theme may not change. */
const shape = (o: Option) => ({
  grid: o.grid, legend: o.legend.data, x: [o.xAxis.type, o.xAxis.data], y: [o.yAxis.type, o.yAxis.data],
  series: o.series.map((s) => ({ type: s.type, name: s.name, data: s.data, symbol: s.symbol, symbolSize: s.symbolSize })),
});

describe('chart themes', () => {
  for (const [chart, build] of Object.entries(builders)) {
    it(`${chart}: screen and print draw the same series on the same axes; print has no tooltip and no motion`, () => {
      const screen = build(SCREEN_THEME) as Option;
      const print = build(PRINT_THEME) as Option;
      expect(shape(print)).toEqual(shape(screen));
      expect(screen.tooltip).toBeDefined();
      expect(screen.animation).toBe(true);
      expect(print.tooltip).toBeUndefined();
      expect(print.animation).toBe(false);
      expect(JSON.stringify(print)).not.toContain(SCREEN_THEME.accent);
      const still = build(staticTheme(SCREEN_THEME)) as Option;
      expect(still.tooltip).toBeUndefined();
      expect(shape(still)).toEqual(shape(screen));
    });
  }

  it('control draws in the foreground colour and first in the retention legend; treatments take the palette in order', () => {
    const option = retentionOption(retention, 'control', PRINT_THEME) as unknown as Option;
    expect(option.legend.data).toEqual(['control', 'v2']);
    expect(option.series.map((s) => s.itemStyle?.color)).toEqual([PRINT_THEME.fg, PRINT_THEME.variants[0]]);
    expect(option.series[0]!.data).toEqual([100, 45]);
  });

  it('a missing uplift is a gap, and a series without a treatment point is no chart', () => {
    const option = cumulativeOption(cumulative, 'control', SCREEN_THEME) as unknown as Option;
    const v3 = option.series.find((s) => s.name === 'v3')!;
    expect(v3.data).toEqual([[day, '-'], [day + 864e5, -2]]);
    expect(cumulativeOption(groupCumulative({ ...emptyCumulative }), 'control', SCREEN_THEME)).toBeNull();
    expect(retentionOption(groupRetention({ variant: [], day: new Float64Array(), mature: new Float64Array(), rate: new Float64Array() }), 'control', SCREEN_THEME)).toBeNull();
  });
});

const emptyCumulative = {
  variant: [], day: new Float64Array(), n: new Float64Array(), relative: new Float64Array(), ciLower: new Float64Array(), ciUpper: new Float64Array(),
};
