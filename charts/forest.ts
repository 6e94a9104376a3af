/**
 * The CI forest plot: relative uplift with its confidence interval, one row per metric ×
 * treatment, unadjusted (foreground colour) and CUPED-adjusted (accent) side by side; the zero
 * line marks "no effect".
 *
 * Names come from the data: they are shown without bidi controls, and the tooltip — HTML,
 * which echarts inserts as markup — escapes every text it writes (docs/security.md).
 */
import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams, CustomSeriesRenderItemReturn } from 'echarts';
import type { EChartsCoreOption } from 'echarts/core';
import { escapeHtml, stripBidiControls } from '../contract/escape-html.ts';
import { formatUpliftWithCi } from '../contract/number-format.ts';
import type { ExperimentReport } from '../contract/report.ts';
import type { Interval } from '../stats/types.ts';
import { axisStyle, chartBase, legendStyle, signedPercentLabel, tooltip, zeroLine, type ChartTheme } from './theme.ts';

export interface ForestRow {
  readonly label: string;
  readonly metric: string;
  readonly variant: string;
  readonly unadjusted: Interval;
  readonly cuped: Interval | null;
}

/** One row per metric × treatment; the label names the variant only when there are several. */
export function forestRows(report: ExperimentReport): ForestRow[] {
  const rows: ForestRow[] = [];
  for (const metric of report.metrics) {
    const name = stripBidiControls(metric.name);
    for (const c of metric.comparisons) {
      const variant = stripBidiControls(c.variant);
      rows.push({
        label: report.variants.length > 2 ? `${name} · ${variant}` : name,
        metric: name,
        variant,
        unadjusted: c.relative,
        cuped: c.cuped?.relative ?? null,
      });
    }
  }
  return rows;
}

/** The plot's height in pixels for `rowCount` rows: room for the legend, the axis and each row. */
export function forestHeight(rowCount: number): number {
  return Math.max(180, 60 + rowCount * 30);
}

const complete = (i: Interval | null): i is { estimate: number; ciLower: number; ciUpper: number } =>
  !!i && [i.estimate, i.ciLower, i.ciUpper].every((x) => typeof x === 'number' && Number.isFinite(x));

type Item = [lower: number, upper: number, estimate: number, row: number];

/** A whisker with end caps and a square at the estimate, `offset` px off the row's centre. */
function renderInterval(color: string, offset: number) {
  return (_params: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => {
    const row = Number(api.value(3));
    const lo = api.coord([Number(api.value(0)), row]);
    const hi = api.coord([Number(api.value(1)), row]);
    const mid = api.coord([Number(api.value(2)), row]);
    const y = lo[1]! + offset;
    const stroke = { stroke: color, lineWidth: 1.5 };
    return {
      type: 'group',
      children: [
        { type: 'line', shape: { x1: lo[0]!, y1: y, x2: hi[0]!, y2: y }, style: stroke },
        { type: 'line', shape: { x1: lo[0]!, y1: y - 4, x2: lo[0]!, y2: y + 4 }, style: stroke },
        { type: 'line', shape: { x1: hi[0]!, y1: y - 4, x2: hi[0]!, y2: y + 4 }, style: stroke },
        { type: 'rect', shape: { x: mid[0]! - 3.5, y: y - 3.5, width: 7, height: 7 }, style: { fill: color } },
      ],
    };
  };
}

/** The forest plot's option: whiskers per row, the unadjusted one above the CUPED one when both exist. */
export function forestOption(rows: readonly ForestRow[], theme: ChartTheme): EChartsCoreOption {
  const unadjusted: Item[] = [];
  const cuped: Item[] = [];
  rows.forEach((r, i) => {
    if (complete(r.unadjusted)) unadjusted.push([r.unadjusted.ciLower * 100, r.unadjusted.ciUpper * 100, r.unadjusted.estimate * 100, i]);
    if (complete(r.cuped)) cuped.push([r.cuped.ciLower * 100, r.cuped.ciUpper * 100, r.cuped.estimate * 100, i]);
  });
  const hasCuped = cuped.length > 0;
  // echarts inserts a formatter's string as HTML: every text in it goes through escapeHtml.
  const formatter = (params: unknown): string => {
    const p = params as { seriesName: string; value: Item };
    const row = rows[p.value[3]];
    if (!row) return '';
    const interval = p.seriesName === 'CUPED' ? row.cuped : row.unadjusted;
    return `${escapeHtml(row.metric)} · ${escapeHtml(row.variant)}<br/>`
      + `${escapeHtml(p.seriesName)}: ${escapeHtml(formatUpliftWithCi(interval?.estimate, interval?.ciLower, interval?.ciUpper))}`;
  };
  const axis = axisStyle(theme);
  return {
    ...chartBase(theme),
    legend: legendStyle(theme, hasCuped ? ['Unadjusted', 'CUPED'] : ['Unadjusted']),
    ...tooltip(theme, { trigger: 'item', formatter }),
    xAxis: { type: 'value', ...axis, axisLabel: { ...axis.axisLabel, formatter: signedPercentLabel }, scale: true },
    yAxis: {
      type: 'category', inverse: true, data: rows.map((r) => r.label), ...axis,
      axisLabel: { ...axis.axisLabel, color: theme.fg }, splitLine: { show: true, lineStyle: { color: theme.grid } },
    },
    series: [
      {
        type: 'custom', name: 'Unadjusted', renderItem: renderInterval(theme.fg, hasCuped ? -5 : 0), data: unadjusted,
        encode: { x: [0, 1, 2], y: 3 }, itemStyle: { color: theme.fg }, markLine: zeroLine(theme, 'xAxis'),
      },
      { type: 'custom', name: 'CUPED', renderItem: renderInterval(theme.accent, 5), data: cuped, encode: { x: [0, 1, 2], y: 3 }, itemStyle: { color: theme.accent } },
    ],
  };
}

/** Whether any row has an interval to draw (a forest plot with none is left out of the report). */
export function forestHasIntervals(rows: readonly ForestRow[]): boolean {
  return rows.some((r) => complete(r.unadjusted) || complete(r.cuped));
}

/** The chart's text alternative: the CI level, the number of pairs and of significant intervals. */
export function forestLabel(rows: readonly ForestRow[], alpha: number): string {
  const level = Math.round((1 - alpha) * 1000) / 10;
  const significant = rows.filter((r) => complete(r.unadjusted) && (r.unadjusted.ciLower > 0 || r.unadjusted.ciUpper < 0)).length;
  return `Forest plot of relative uplift with ${level}% confidence intervals, unadjusted and CUPED, for ${rows.length} `
    + `metric and treatment ${rows.length === 1 ? 'pair' : 'pairs'}; ${significant} ${significant === 1 ? 'interval excludes' : 'intervals exclude'} zero.`;
}
