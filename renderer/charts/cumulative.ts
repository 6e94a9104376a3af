/**
 * Cumulative relative uplift of the primary metric by exposure day, with its CI band, one line
 * per treatment. The band is a transparent lower line plus a stacked (upper − lower) area.
 * Variant names are shown without bidi controls; the tooltip is echarts' own, which escapes
 * names and values (docs/security.md).
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { CumulativeSeries } from '../arrow/series.ts';
import { stripBidiControls } from '../../contract/escape-html.ts';
import { formatUplift } from '../../contract/number-format.ts';
import { CHART, axisStyle, legendStyle, motion, tooltipStyle, variantColor } from './echarts.ts';

type Point = [number, number | '-'];

export function cumulativeOption(series: CumulativeSeries, control: string): EChartsCoreOption {
  const treatments = series.variants.filter((v) => v !== control);
  const out: object[] = [];
  treatments.forEach((variant, index) => {
    const columns = series.byVariant.get(variant);
    if (!columns) return;
    const color = variantColor(index);
    const lower: Point[] = [];
    const width: Point[] = [];
    const line: Point[] = [];
    for (let i = 0; i < columns.day.length; i++) {
      const day = columns.day[i]!;
      const lo = columns.ciLower[i]!;
      const hi = columns.ciUpper[i]!;
      const est = columns.relative[i]!;
      const band = Number.isFinite(lo) && Number.isFinite(hi);
      lower.push([day, band ? lo * 100 : '-']);
      width.push([day, band ? (hi - lo) * 100 : '-']);
      line.push([day, Number.isFinite(est) ? est * 100 : '-']);
    }
    const stack = `band-${index}`;
    const name = stripBidiControls(variant);
    out.push(
      { type: 'line', name: `${name} lower`, data: lower, stack, stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, silent: true, tooltip: { show: false } },
      { type: 'line', name: `${name} CI`, data: width, stack, stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color, opacity: 0.16 }, silent: true, tooltip: { show: false } },
      { type: 'line', name, data: line, symbol: 'rect', symbolSize: 4, showSymbol: false, lineStyle: { color, width: 2 }, itemStyle: { color } },
    );
  });
  if (out.length > 0) {
    (out[0] as Record<string, unknown>).markLine = {
      silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: '#777777', type: 'solid', width: 1 }, data: [{ yAxis: 0 }],
    };
  }
  return {
    ...motion(),
    grid: { left: 8, right: 16, top: 28, bottom: 24, containLabel: true },
    legend: { ...legendStyle, data: treatments.map(stripBidiControls) },
    tooltip: {
      ...tooltipStyle,
      trigger: 'axis',
      valueFormatter: (v: unknown) => (typeof v === 'number' ? formatUplift(v / 100) : '—'),
    },
    xAxis: { type: 'time', ...axisStyle, axisLabel: { ...axisStyle.axisLabel, formatter: '{MM}-{dd}' }, splitLine: { show: false } },
    yAxis: {
      type: 'value',
      ...axisStyle,
      scale: true,
      axisLabel: { ...axisStyle.axisLabel, formatter: (v: number) => `${v > 0 ? '+' : ''}${v}%` },
    },
    series: out,
    color: [CHART.acid],
  };
}

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
