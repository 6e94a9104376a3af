/**
 * Cumulative relative uplift of the primary metric by exposure day, with its CI band, one line
 * per treatment. The band is a transparent lower line plus a stacked (upper − lower) area.
 * Variant names are shown without bidi controls; the tooltip is echarts' own, which escapes
 * names and values (docs/security.md).
 */
import type { EChartsCoreOption } from 'echarts/core';
import { stripBidiControls } from '../contract/escape-html.ts';
import { formatUplift } from '../contract/number-format.ts';
import type { CumulativeSeries } from '../contract/series.ts';
import { axisStyle, chartBase, legendStyle, signedPercentLabel, tooltip, treatmentColor, zeroLine, type ChartTheme } from './theme.ts';

type Point = [number, number | '-'];

/** A fraction as a percent point for echarts ('-' = a gap in the line). */
const percent = (x: number): number | '-' => (Number.isFinite(x) ? x * 100 : '-');

/** The cumulative chart's option; null when no treatment has a point. */
export function cumulativeOption(series: CumulativeSeries, control: string, theme: ChartTheme): EChartsCoreOption | null {
  const treatments = series.variants.filter((v) => v !== control);
  const out: Record<string, unknown>[] = [];
  treatments.forEach((variant, index) => {
    const columns = series.byVariant.get(variant);
    if (!columns || columns.day.length === 0) return;
    const color = treatmentColor(theme, index);
    const lower: Point[] = [];
    const width: Point[] = [];
    const line: Point[] = [];
    for (let i = 0; i < columns.day.length; i++) {
      const day = columns.day[i]!;
      const lo = columns.ciLower[i]!;
      const hi = columns.ciUpper[i]!;
      const band = Number.isFinite(lo) && Number.isFinite(hi);
      lower.push([day, band ? lo * 100 : '-']);
      width.push([day, band ? (hi - lo) * 100 : '-']);
      line.push([day, percent(columns.relative[i]!)]);
    }
    const stack = `band-${index}`;
    const name = stripBidiControls(variant);
    out.push(
      { type: 'line', name: `${name} lower`, data: lower, stack, stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, silent: true, tooltip: { show: false } },
      { type: 'line', name: `${name} CI`, data: width, stack, stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color, opacity: theme.bandOpacity }, silent: true, tooltip: { show: false } },
      { type: 'line', name, data: line, symbol: 'rect', symbolSize: 4, showSymbol: false, lineStyle: { color, width: 2 }, itemStyle: { color } },
    );
  });
  if (out.length === 0) return null;
  out[0]!.markLine = zeroLine(theme, 'yAxis');
  const axis = axisStyle(theme);
  return {
    ...chartBase(theme),
    legend: legendStyle(theme, treatments.map(stripBidiControls)),
    ...tooltip(theme, { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? formatUplift(v / 100) : '—') }),
    xAxis: { type: 'time', ...axis, axisLabel: { ...axis.axisLabel, formatter: '{MM}-{dd}' }, splitLine: { show: false } },
    yAxis: { type: 'value', ...axis, scale: true, axisLabel: { ...axis.axisLabel, formatter: signedPercentLabel } },
    series: out,
    color: [theme.accent],
  };
}

/** The chart's text alternative: where each treatment's uplift ends, with its interval. */
export function cumulativeLabel(series: CumulativeSeries, control: string, metric: string | null): string {
  const treatments = series.variants.filter((v) => v !== control);
  const parts = treatments.map((variant) => {
    const c = series.byVariant.get(variant);
    const name = stripBidiControls(variant);
    if (!c || c.relative.length === 0) return `${name}: no data`;
    const last = c.relative.length - 1;
    return `${name} ends at ${formatUplift(c.relative[last])} [${formatUplift(c.ciLower[last])}, ${formatUplift(c.ciUpper[last])}]`;
  });
  const days = treatments.length > 0 ? (series.byVariant.get(treatments[0]!)?.day.length ?? 0) : 0;
  return `Cumulative relative uplift of ${metric === null ? 'the primary metric' : stripBidiControls(metric)} over ${days} exposure days with confidence band; ${parts.join('; ')}.`;
}
