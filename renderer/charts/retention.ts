/**
 * The retention curve D0…D30: share of mature units active on day k after exposure, per variant.
 * Variant names are shown without bidi controls; the tooltip is echarts' own, which escapes
 * names and values (docs/security.md).
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { RetentionSeries } from '../arrow/series.ts';
import { stripBidiControls } from '../../contract/escape-html.ts';
import { formatRate } from '../../contract/number-format.ts';
import { CHART, axisStyle, legendStyle, motion, tooltipStyle, variantColor } from './echarts.ts';

export function retentionOption(series: RetentionSeries, control: string): EChartsCoreOption {
  let maxDay = 0;
  for (const c of series.byVariant.values()) for (const d of c.day) if (d > maxDay) maxDay = d;
  const days = Array.from({ length: maxDay + 1 }, (_, k) => `D${k}`);
  let treatment = 0;
  const out = series.variants.map((variant) => {
    const c = series.byVariant.get(variant)!;
    const values: (number | '-')[] = new Array<number | '-'>(days.length).fill('-');
    for (let i = 0; i < c.day.length; i++) {
      const rate = c.rate[i]!;
      values[c.day[i]!] = Number.isFinite(rate) ? rate * 100 : '-';
    }
    const color = variant === control ? CHART.fg : variantColor(treatment++);
    return { type: 'line', name: stripBidiControls(variant), data: values, symbol: 'rect', symbolSize: 5, lineStyle: { color, width: 2 }, itemStyle: { color }, connectNulls: false };
  });
  return {
    ...motion(),
    grid: { left: 8, right: 16, top: 28, bottom: 24, containLabel: true },
    legend: { ...legendStyle, data: series.variants.map(stripBidiControls) },
    tooltip: { ...tooltipStyle, trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? formatRate(v / 100) : '—') },
    xAxis: { type: 'category', data: days, boundaryGap: false, ...axisStyle, splitLine: { show: false } },
    yAxis: { type: 'value', min: 0, ...axisStyle, axisLabel: { ...axisStyle.axisLabel, formatter: (v: number) => `${v}%` } },
    series: out,
  };
}

export function retentionLabel(series: RetentionSeries): string {
  const parts = series.variants.map((variant) => {
    const c = series.byVariant.get(variant)!;
    const at = (k: number) => {
      const i = c.day.indexOf(k);
      return i >= 0 ? formatRate(c.rate[i]) : '—';
    };
    return `${stripBidiControls(variant)} D1 ${at(1)}, D7 ${at(7)}, D30 ${at(30)}`;
  });
  return `Retention curve from D0 to D30 per variant (share of mature units active on day k); ${parts.join('; ')}.`;
}
