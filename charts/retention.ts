/**
 * The retention curve D0…D30: share of mature units active on day k after exposure, per variant,
 * control first in the foreground colour. Variant names are shown without bidi controls; the
 * tooltip is echarts' own, which escapes names and values (docs/security.md).
 */
import type { EChartsCoreOption } from 'echarts/core';
import { stripBidiControls } from '../contract/escape-html.ts';
import { formatRate } from '../contract/number-format.ts';
import type { RetentionSeries } from '../contract/series.ts';
import { axisStyle, chartBase, legendStyle, percentLabel, tooltip, treatmentColor, type ChartTheme } from './theme.ts';

/** The series' variants, control first, the others in order of appearance. */
function controlFirst(variants: readonly string[], control: string): string[] {
  return variants.includes(control) ? [control, ...variants.filter((v) => v !== control)] : [...variants];
}

/** The retention chart's option; null when the series has no point. */
export function retentionOption(series: RetentionSeries, control: string, theme: ChartTheme): EChartsCoreOption | null {
  if (series.rows === 0) return null;
  let maxDay = 0;
  for (const c of series.byVariant.values()) for (const d of c.day) if (d > maxDay) maxDay = d;
  const days = Array.from({ length: maxDay + 1 }, (_, k) => `D${k}`);
  const variants = controlFirst(series.variants, control);
  let treatment = 0;
  const out = variants.map((variant) => {
    const c = series.byVariant.get(variant)!;
    const values: (number | '-')[] = new Array<number | '-'>(days.length).fill('-');
    for (let i = 0; i < c.day.length; i++) {
      const rate = c.rate[i]!;
      values[c.day[i]!] = Number.isFinite(rate) ? rate * 100 : '-';
    }
    const color = variant === control ? theme.fg : treatmentColor(theme, treatment++);
    return { type: 'line', name: stripBidiControls(variant), data: values, symbol: 'rect', symbolSize: 5, lineStyle: { color, width: 2 }, itemStyle: { color }, connectNulls: false };
  });
  const axis = axisStyle(theme);
  return {
    ...chartBase(theme),
    legend: legendStyle(theme, variants.map(stripBidiControls)),
    ...tooltip(theme, { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? formatRate(v / 100) : '—') }),
    xAxis: { type: 'category', data: days, boundaryGap: false, ...axis, splitLine: { show: false } },
    yAxis: { type: 'value', min: 0, ...axis, axisLabel: { ...axis.axisLabel, formatter: percentLabel } },
    series: out,
  };
}

/** The chart's text alternative: D1, D7 and D30 per variant. */
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
