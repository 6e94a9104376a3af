/**
 * The report's charts as inline SVG: the app's own chart options (`charts/`, the builders the
 * experiment screen uses, docs/architecture.md) rendered in Node by echarts' server-side renderer
 * (`echarts.init(null, null, { renderer: 'svg', ssr: true })` → `renderToSVGString()`).
 *
 * Each chart is rendered in two themes: `dark` — the screen theme, static (no tooltip, no
 * animation) — and `light`, the print theme; the HTML shows one or the other by media query
 * (docs/reports.md, "Formats"). Text inside the SVG is escaped by echarts (`<` → `&lt;`, `"` →
 * `&quot;`), names from the data are drawn without bidi controls, and with no tooltip no
 * formatter writes HTML (docs/security.md).
 */
import { BarChart, CustomChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { cumulativeOption } from '../../charts/cumulative.ts';
import { forestHasIntervals, forestHeight, forestOption, forestRows } from '../../charts/forest.ts';
import { funnelOption } from '../../charts/funnel.ts';
import { retentionOption } from '../../charts/retention.ts';
import { PRINT_THEME, SCREEN_THEME, staticTheme, type ChartTheme as Theme } from '../../charts/theme.ts';
import type { ExperimentReport } from '../../contract/report.ts';
import type { CumulativePoint, RetentionPoint } from './report-model.ts';
import { cumulativeSeries, retentionSeries } from './series.ts';

echarts.use([LineChart, BarChart, CustomChart, GridComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

/** `dark`: the page on screen; `light`: the page printed. */
export type ChartTheme = 'dark' | 'light';

const THEMES: Readonly<Record<ChartTheme, Theme>> = { dark: staticTheme(SCREEN_THEME), light: PRINT_THEME };

/** Chart width in CSS pixels (the SVG scales to the page width through its viewBox). */
export const CHART_WIDTH = 760;

/** Renders an option to an SVG string and frees the instance; null for no option. */
function render(option: echarts.EChartsCoreOption | null, width: number, height: number): string | null {
  if (!option) return null;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    // Without echarts' hover rules: a static page has no use for them, and an SVG <style> element
    // would need its own entry in the report's style-src (render-html.ts, docs/security.md).
    return chart.renderToSVGString().replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '');
  } finally {
    chart.dispose();
  }
}

/**
 * CI forest plot: relative uplift (%) with its CI per metric × treatment, unadjusted and CUPED
 * side by side, a line at zero. Null when no comparison has an interval.
 */
export function forestSvg(experiment: ExperimentReport, theme: ChartTheme, width = CHART_WIDTH): string | null {
  const rows = forestRows(experiment);
  if (!forestHasIntervals(rows)) return null;
  return render(forestOption(rows, THEMES[theme]), width, forestHeight(rows.length));
}

/** Cumulative relative uplift (%) by exposure day with its CI band per treatment. Null without points. */
export function cumulativeSvg(points: readonly CumulativePoint[], control: string, theme: ChartTheme, width = CHART_WIDTH, height = 280): string | null {
  return render(cumulativeOption(cumulativeSeries(points), control, THEMES[theme]), width, height);
}

/** Retention D0…D30 (%) per variant, control first. Null without points. */
export function retentionSvg(points: readonly RetentionPoint[], control: string, theme: ChartTheme, width = CHART_WIDTH, height = 260): string | null {
  return render(retentionOption(retentionSeries(points), control, THEMES[theme]), width, height);
}

/** The funnel: per step, each variant's share (%) of units that reached it. Null without funnel metrics. */
export function funnelSvg(experiment: ExperimentReport, theme: ChartTheme, width = CHART_WIDTH, height = 260): string | null {
  return render(funnelOption(experiment, THEMES[theme]), width, height);
}
