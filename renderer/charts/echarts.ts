/**
 * ECharts with only the parts the screens use (tree-shaken: line, bar, custom series; grid,
 * tooltip, legend, mark line; the SVG renderer). The options themselves come from `charts/`,
 * the builders the decision report uses too (docs/architecture.md); this file adds what only a
 * live screen knows: whether the user prefers reduced motion.
 */
import { BarChart, CustomChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { SCREEN_THEME, type ChartTheme } from '../../charts/theme.ts';

echarts.use([LineChart, BarChart, CustomChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

export { echarts };

/** The app's chart theme: animated (≤ 300 ms) unless the user prefers reduced motion. */
export function screenTheme(): ChartTheme {
  const reduced = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
  return reduced ? { ...SCREEN_THEME, animation: false } : SCREEN_THEME;
}
