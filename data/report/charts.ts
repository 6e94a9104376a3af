/**
 * The report's charts as inline SVG, rendered in Node by echarts' server-side renderer
 * (`echarts.init(null, null, { renderer: 'svg', ssr: true })` → `renderToSVGString()`): the CI
 * forest plot, the cumulative uplift with its CI band, and the retention curve D0…D30. They draw
 * the same data as the app's charts (renderer/charts/*, which the report cannot import, docs/architecture.md).
 *
 * Each chart is rendered in two themes: `dark` (docs/interface.md, on screen) and `light` (print: dark ink
 * on white, no lime that a printer cannot show); the HTML shows one or the other by media query.
 * Text inside the SVG is escaped by echarts (`<` → `&lt;`, `"` → `&quot;`), and names from the
 * data are drawn without bidi controls (docs/security.md). No formatter here writes HTML: the
 * axis-label formatters return numbers as plain text and there is no tooltip.
 */
import { BarChart, CustomChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { stripBidiControls as shown } from '../../contract/escape-html.ts';
import type { ExperimentReport } from '../../contract/report.ts';
import type { CumulativePoint, RetentionPoint } from './report-model.ts';

echarts.use([LineChart, BarChart, CustomChart, GridComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

export type ChartTheme = 'dark' | 'light';

interface Palette {
  readonly fg: string;
  readonly muted: string;
  readonly axis: string;
  readonly grid: string;
  readonly zero: string;
  /** CUPED / the first treatment. */
  readonly accent: string;
  /** Treatment colours in order (the control draws in `fg`). */
  readonly variants: readonly string[];
  readonly bandOpacity: number;
}

const PALETTES: Readonly<Record<ChartTheme, Palette>> = {
  dark: {
    fg: '#ffffff', muted: '#a6a6a6', axis: '#555555', grid: '#1f1f1f', zero: '#777777', accent: '#ccff00',
    variants: ['#ccff00', '#4da3ff', '#ff9f1c', '#c58bff', '#00e5ff', '#ffd166'], bandOpacity: 0.16,
  },
  light: {
    fg: '#000000', muted: '#404040', axis: '#808080', grid: '#e3e3e3', zero: '#000000', accent: '#4f7a00',
    variants: ['#4f7a00', '#0b5cad', '#b35400', '#6b3fa0', '#00727f', '#8a6d00'], bandOpacity: 0.14,
  },
};

const MONO = "'JetBrains Mono', ui-monospace, Menlo, Consolas, monospace";

/** Chart sizes in CSS pixels (the SVG scales to the page width through its viewBox). */
export const CHART_WIDTH = 760;

function axisStyle(p: Palette) {
  return {
    axisLine: { lineStyle: { color: p.axis } },
    axisTick: { lineStyle: { color: p.axis } },
    axisLabel: { color: p.muted, fontFamily: MONO, fontSize: 11 },
    splitLine: { lineStyle: { color: p.grid } },
  };
}

function legendStyle(p: Palette) {
  return { textStyle: { color: p.fg, fontFamily: MONO, fontSize: 11 }, icon: 'rect', itemWidth: 10, itemHeight: 10, top: 0, right: 0 };
}

const percentLabel = (v: number): string => `${v > 0 ? '+' : ''}${Number(v.toFixed(2))}%`;

/** Renders an option to an SVG string and frees the instance. */
function render(option: Record<string, unknown>, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, backgroundColor: 'transparent', textStyle: { fontFamily: MONO }, ...option });
    // Without echarts' hover rules: a static page has no use for them, and an SVG <style> element
    // would need its own entry in the report's style-src (render-html.ts, docs/security.md).
    return chart.renderToSVGString().replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '');
  } finally {
    chart.dispose();
  }
}

// ── forest plot ──────────────────────────────────────────────────────────────────────────────

interface ForestRow {
  readonly label: string;
  readonly unadjusted: readonly [number, number, number] | null;
  readonly cuped: readonly [number, number, number] | null;
}

function interval(i: { estimate: number | null; ciLower: number | null; ciUpper: number | null } | null | undefined): [number, number, number] | null {
  if (!i || i.estimate === null || i.ciLower === null || i.ciUpper === null) return null;
  if (![i.estimate, i.ciLower, i.ciUpper].every(Number.isFinite)) return null;
  return [i.ciLower * 100, i.ciUpper * 100, i.estimate * 100];
}

function forestRows(experiment: ExperimentReport): ForestRow[] {
  const several = experiment.variants.length > 2;
  return experiment.metrics.flatMap((metric) => metric.comparisons.map((c) => ({
    label: several ? `${shown(metric.name)} · ${shown(c.variant)}` : shown(metric.name),
    unadjusted: interval(c.relative),
    cuped: interval(c.cuped?.relative),
  })));
}

/** Number of rows the forest plot draws (metric × treatment). */
export function forestRowCount(experiment: ExperimentReport): number {
  return forestRows(experiment).length;
}

type RenderApi = { value: (i: number) => unknown; coord: (v: number[]) => number[] };

function intervalShape(color: string, offset: number) {
  return (_params: unknown, api: RenderApi) => {
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

/**
 * CI forest plot: relative uplift (%) with its CI per metric × treatment, unadjusted and CUPED
 * side by side, a line at zero. Null when no comparison has an interval.
 */
export function forestSvg(experiment: ExperimentReport, theme: ChartTheme, width = CHART_WIDTH): string | null {
  const p = PALETTES[theme];
  const rows = forestRows(experiment);
  const unadjusted = rows.flatMap((r, i) => (r.unadjusted ? [[...r.unadjusted, i]] : []));
  const cuped = rows.flatMap((r, i) => (r.cuped ? [[...r.cuped, i]] : []));
  if (unadjusted.length === 0 && cuped.length === 0) return null;
  const hasCuped = cuped.length > 0;
  const height = Math.max(150, 64 + rows.length * 34);
  const axis = axisStyle(p);
  return render({
    grid: { left: 8, right: 24, top: 28, bottom: 8 },
    legend: { ...legendStyle(p), data: hasCuped ? ['Unadjusted', 'CUPED'] : ['Unadjusted'] },
    xAxis: { type: 'value', scale: true, ...axis, axisLabel: { ...axis.axisLabel, formatter: percentLabel } },
    yAxis: {
      type: 'category', inverse: true, data: rows.map((r) => r.label), ...axis,
      axisLabel: { ...axis.axisLabel, color: p.fg }, splitLine: { show: true, lineStyle: { color: p.grid } },
    },
    series: [
      {
        type: 'custom', name: 'Unadjusted', renderItem: intervalShape(p.fg, hasCuped ? -5 : 0), data: unadjusted,
        encode: { x: [0, 1, 2], y: 3 }, itemStyle: { color: p.fg },
        markLine: { silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: p.zero, type: 'solid', width: 1 }, data: [{ xAxis: 0 }] },
      },
      { type: 'custom', name: 'CUPED', renderItem: intervalShape(p.accent, 5), data: cuped, encode: { x: [0, 1, 2], y: 3 }, itemStyle: { color: p.accent } },
    ],
  }, width, height);
}

// ── cumulative uplift ────────────────────────────────────────────────────────────────────────

/**
 * Cumulative relative uplift (%) of the primary metric by exposure day, one line per treatment
 * with its CI band (a transparent lower line plus a stacked band of width upper − lower). Null
 * when there is no point.
 */
export function cumulativeSvg(points: readonly CumulativePoint[], control: string, theme: ChartTheme, width = CHART_WIDTH, height = 280): string | null {
  if (points.length === 0) return null;
  const p = PALETTES[theme];
  const treatments = [...new Set(points.map((x) => x.variant))].filter((v) => v !== control);
  const series: Record<string, unknown>[] = [];
  treatments.forEach((variant, index) => {
    const color = p.variants[index % p.variants.length]!;
    const own = points.filter((x) => x.variant === variant);
    const band = (x: CumulativePoint) => x.ciLower !== null && x.ciUpper !== null;
    const stack = `band-${index}`;
    const name = shown(variant);
    series.push(
      { type: 'line', name: `${name} lower`, data: own.map((x) => [x.day, band(x) ? x.ciLower! * 100 : '-']), stack, stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, silent: true },
      { type: 'line', name: `${name} CI`, data: own.map((x) => [x.day, band(x) ? (x.ciUpper! - x.ciLower!) * 100 : '-']), stack, stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color, opacity: p.bandOpacity }, silent: true },
      { type: 'line', name, data: own.map((x) => [x.day, x.relative === null ? '-' : x.relative * 100]), symbol: 'none', lineStyle: { color, width: 2 }, itemStyle: { color } },
    );
  });
  if (series.length === 0) return null;
  series[0]!.markLine = { silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: p.zero, type: 'solid', width: 1 }, data: [{ yAxis: 0 }] };
  const axis = axisStyle(p);
  return render({
    grid: { left: 8, right: 24, top: 28, bottom: 8 },
    legend: { ...legendStyle(p), data: treatments.map(shown) },
    xAxis: { type: 'time', ...axis, axisLabel: { ...axis.axisLabel, formatter: '{MM}-{dd}' }, splitLine: { show: false } },
    yAxis: { type: 'value', scale: true, ...axis, axisLabel: { ...axis.axisLabel, formatter: percentLabel } },
    series,
  }, width, height);
}

// ── retention ────────────────────────────────────────────────────────────────────────────────

/** Retention D0…D30 (%) per variant, control in the foreground colour. Null without points. */
export function retentionSvg(points: readonly RetentionPoint[], control: string, theme: ChartTheme, width = CHART_WIDTH, height = 260): string | null {
  if (points.length === 0) return null;
  const p = PALETTES[theme];
  const variants = [...new Set(points.map((x) => x.variant))].sort((a, b) => (a === control ? -1 : b === control ? 1 : a.localeCompare(b)));
  const maxDay = Math.max(...points.map((x) => x.day));
  const days = Array.from({ length: maxDay + 1 }, (_, k) => `D${k}`);
  let treatment = 0;
  const series = variants.map((variant) => {
    const values: (number | '-')[] = new Array<number | '-'>(days.length).fill('-');
    for (const x of points) if (x.variant === variant && x.rate !== null) values[x.day] = x.rate * 100;
    const color = variant === control ? p.fg : p.variants[treatment++ % p.variants.length]!;
    return { type: 'line', name: shown(variant), data: values, symbol: 'rect', symbolSize: 4, lineStyle: { color, width: 2 }, itemStyle: { color }, connectNulls: false };
  });
  const axis = axisStyle(p);
  return render({
    grid: { left: 8, right: 24, top: 28, bottom: 8 },
    legend: { ...legendStyle(p), data: variants.map(shown) },
    xAxis: { type: 'category', data: days, boundaryGap: false, ...axis, splitLine: { show: false } },
    yAxis: { type: 'value', min: 0, ...axis, axisLabel: { ...axis.axisLabel, formatter: (v: number) => `${Number(v.toFixed(2))}%` } },
    series,
  }, width, height);
}

/**
 * The funnel: per step s, the share (%) of each variant's units that reached steps 1…s in order
 * after exposure; control in the foreground colour. Null when the report has no funnel metrics.
 */
export function funnelSvg(experiment: ExperimentReport, theme: ChartTheme, width = CHART_WIDTH, height = 260): string | null {
  const steps = experiment.metrics.filter((m) => m.funnelStep);
  if (steps.length === 0) return null;
  const p = PALETTES[theme];
  let treatment = 0;
  const series = experiment.variants.map((variant) => {
    const color = variant === experiment.control ? p.fg : p.variants[treatment++ % p.variants.length]!;
    const data = steps.map((m) => {
      const mean = m.variants.find((v) => v.variant === variant)?.mean ?? null;
      return mean === null ? '-' : mean * 100;
    });
    return { type: 'bar', name: shown(variant), data, itemStyle: { color }, barMaxWidth: 28 };
  });
  const axis = axisStyle(p);
  return render({
    grid: { left: 8, right: 24, top: 28, bottom: 8 },
    legend: { ...legendStyle(p), data: experiment.variants.map(shown) },
    xAxis: { type: 'category', data: steps.map((m) => `${m.funnelStep!.index}. ${shown(m.funnelStep!.event)}`), ...axis, axisLabel: { ...axis.axisLabel, interval: 0 }, splitLine: { show: false } },
    yAxis: { type: 'value', min: 0, max: 100, ...axis, axisLabel: { ...axis.axisLabel, formatter: (v: number) => `${v}%` } },
    series,
  }, width, height);
}
