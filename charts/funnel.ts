/**
 * The funnel: per step s, the share of each variant's units that reached steps 1…s in
 * order after exposure, control in the foreground colour. Event and variant names are shown
 * without bidi controls; the tooltip is echarts' own, which escapes names and values
 * (docs/security.md).
 */
import type { EChartsCoreOption } from 'echarts/core';
import { stripBidiControls } from '../contract/escape-html.ts';
import { formatRate } from '../contract/number-format.ts';
import type { ExperimentReport } from '../contract/report.ts';
import { axisStyle, chartBase, legendStyle, percentLabel, tooltip, treatmentColor, type ChartTheme } from './theme.ts';

/** The funnel's metrics of `report`, in step order (none: no funnel). */
const funnelMetrics = (report: ExperimentReport) => report.metrics.filter((m) => m.funnelStep);

/** A variant's share of units at a funnel metric's step, or null. */
const rateOf = (metric: ExperimentReport['metrics'][number], variant: string): number | null =>
  metric.variants.find((v) => v.variant === variant)?.mean ?? null;

/** Bars per step and variant; null when the report has no funnel. */
export function funnelOption(report: ExperimentReport, theme: ChartTheme): EChartsCoreOption | null {
  const metrics = funnelMetrics(report);
  if (metrics.length === 0) return null;
  let treatment = 0;
  const series = report.variants.map((variant) => {
    const color = variant === report.control ? theme.fg : treatmentColor(theme, treatment++);
    const data = metrics.map((m) => {
      const rate = rateOf(m, variant);
      return rate === null ? '-' : rate * 100;
    });
    return { type: 'bar', name: stripBidiControls(variant), data, itemStyle: { color }, barMaxWidth: 28 };
  });
  const axis = axisStyle(theme);
  return {
    ...chartBase(theme),
    legend: legendStyle(theme, report.variants.map(stripBidiControls)),
    ...tooltip(theme, { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? formatRate(v / 100) : '—') }),
    xAxis: {
      type: 'category', data: metrics.map((m) => `${m.funnelStep!.index}. ${stripBidiControls(m.funnelStep!.event)}`), ...axis,
      axisLabel: { ...axis.axisLabel, interval: 0 }, splitLine: { show: false },
    },
    yAxis: { type: 'value', min: 0, max: 100, ...axis, axisLabel: { ...axis.axisLabel, formatter: percentLabel } },
    series,
  };
}

/** The chart's text alternative: every step's share per variant. */
export function funnelLabel(report: ExperimentReport): string {
  const steps = funnelMetrics(report).map((m) =>
    `step ${m.funnelStep!.index} ${stripBidiControls(m.funnelStep!.event)}: ${report.variants.map((v) => `${stripBidiControls(v)} ${formatRate(rateOf(m, v))}`).join(', ')}`);
  return `Funnel: share of units that reached each step in order after exposure; ${steps.join('; ')}.`;
}
