/**
 * ECharts with only the parts the screens use (tree-shaken: line, scatter, custom series; grid,
 * tooltip, legend, mark line; the SVG renderer) and the app's brutalist chart style.
 */
import { BarChart, CustomChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, CustomChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

export { echarts };

export const CHART = {
  fg: '#ffffff',
  muted: '#a6a6a6',
  line: '#333333',
  grid: '#1f1f1f',
  acid: '#ccff00',
  pos: '#00ff94',
  neg: '#ff3366',
  blue: '#4da3ff',
  mono: "'JetBrains Mono', ui-monospace, Menlo, Consolas, monospace",
} as const;

/** Series colours for variants: control white, treatments acid, blue, orange, violet, … */
export const VARIANT_COLORS = ['#ccff00', '#4da3ff', '#ff9f1c', '#c58bff', '#00e5ff', '#ffd166'] as const;

export function variantColor(index: number): string {
  return VARIANT_COLORS[index % VARIANT_COLORS.length]!;
}

export const axisStyle = {
  axisLine: { lineStyle: { color: '#555555' } },
  axisTick: { lineStyle: { color: '#555555' } },
  axisLabel: { color: CHART.muted, fontFamily: CHART.mono, fontSize: 11 },
  splitLine: { lineStyle: { color: CHART.grid } },
  nameTextStyle: { color: CHART.muted, fontFamily: CHART.mono, fontSize: 11 },
} as const;

export const tooltipStyle = {
  backgroundColor: '#000000',
  borderColor: '#ffffff',
  borderWidth: 1,
  borderRadius: 0,
  padding: [6, 8],
  textStyle: { color: '#ffffff', fontFamily: CHART.mono, fontSize: 11 },
  extraCssText: 'box-shadow:none;border-radius:0;',
} as const;

export const legendStyle = {
  textStyle: { color: CHART.fg, fontFamily: CHART.mono, fontSize: 11 },
  icon: 'rect',
  itemWidth: 10,
  itemHeight: 10,
  top: 0,
  right: 0,
} as const;

/** Chart motion: ≤ 300 ms, none when the user prefers reduced motion. */
export function motion(): { animation: boolean; animationDuration: number; animationDurationUpdate: number } {
  const reduced = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
  return { animation: !reduced, animationDuration: 250, animationDurationUpdate: 200 };
}

/** A fraction as a percent value for an axis (NaN → '-' = missing point for ECharts). */
export function pct(fraction: number | null | undefined): number | '-' {
  return typeof fraction === 'number' && Number.isFinite(fraction) ? fraction * 100 : '-';
}
