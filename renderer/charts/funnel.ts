/**
 * The funnel: per step s, the share of each variant's units that reached steps 1…s in
 * order after exposure. Event and variant names are shown without bidi controls; the tooltip is
 * echarts' own, which escapes names and values (docs/security.md).
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { ExperimentReport } from '../../contract/report.ts';
import { stripBidiControls } from '../../contract/escape-html.ts';
import { formatRate } from '../../contract/number-format.ts';
import { CHART, axisStyle, legendStyle, motion, tooltipStyle, variantColor } from './echarts.ts';

/** The funnel's metrics of `report`, in step order (none: no funnel). */
const funnelMetrics = (report: ExperimentReport) => report.metrics.filter((m) => m.funnelStep);

/** A variant's share of units at a funnel metric's step, or null. */
const rateOf = (metric: ExperimentReport['metrics'][number], variant: string): number | null =>
  metric.variants.find((v) => v.variant === variant)?.mean ?? null;

/** Bars per step and variant (control in the foreground colour); null when the report has no funnel. */
export function funnelOption(report: ExperimentReport): EChartsCoreOption | null {
  const metrics = funnelMetrics(report);
  if (metrics.length === 0) return null;
  let treatment = 0;
  const series = report.variants.map((variant) => {
    const color = variant === report.control ? CHART.fg : variantColor(treatment++);
    const data = metrics.map((m) => {
      const rate = rateOf(m, variant);
      return rate === null ? '-' : rate * 100;
    });
    return { type: 'bar', name: stripBidiControls(variant), data, itemStyle: { color }, barMaxWidth: 28 };
  });
  return {
    ...motion(),
    grid: { left: 8, right: 16, top: 28, bottom: 24, containLabel: true },
    legend: { ...legendStyle, data: report.variants.map(stripBidiControls) },
    tooltip: { ...tooltipStyle, trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? formatRate(v / 100) : '—') },
    xAxis: {
      type: 'category', data: metrics.map((m) => `${m.funnelStep!.index}. ${stripBidiControls(m.funnelStep!.event)}`), ...axisStyle,
      axisLabel: { ...axisStyle.axisLabel, interval: 0 }, splitLine: { show: false },
    },
    yAxis: { type: 'value', min: 0, max: 100, ...axisStyle, axisLabel: { ...axisStyle.axisLabel, formatter: (v: number) => `${v}%` } },
    series,
  };
}

/** The chart's text alternative: every step's share per variant. */
export function funnelLabel(report: ExperimentReport): string {
  const steps = funnelMetrics(report).map((m) =>
    `step ${m.funnelStep!.index} ${stripBidiControls(m.funnelStep!.event)}: ${report.variants.map((v) => `${stripBidiControls(v)} ${formatRate(rateOf(m, v))}`).join(', ')}`);
  return `Funnel: share of units that reached each step in order after exposure; ${steps.join('; ')}.`;
}
