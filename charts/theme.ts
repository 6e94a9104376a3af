/**
 * The look of every chart, in the app and in the decision report (docs/architecture.md, "charts/"):
 * colours, type, axes, legend, tooltip and motion. A chart option builder takes one `ChartTheme`;
 * the screen theme is the app's dark brutalist style (docs/interface.md), the print theme is
 * dark ink on white with no lime a printer cannot show (docs/reports.md, "Formats").
 */

/** The hover tooltip's look (echarts' own tooltip box). */
export interface TooltipTheme {
  readonly backgroundColor: string;
  readonly borderColor: string;
  readonly borderWidth: number;
  readonly borderRadius: number;
  readonly padding: readonly [number, number];
  readonly textStyle: { readonly color: string; readonly fontFamily: string; readonly fontSize: number };
  readonly extraCssText: string;
}

export interface ChartTheme {
  /** Text, the control variant, the unadjusted intervals. */
  readonly fg: string;
  /** Axis labels. */
  readonly muted: string;
  /** Axis lines and ticks. */
  readonly axis: string;
  /** Grid lines. */
  readonly grid: string;
  /** The zero line ("no effect"). */
  readonly zero: string;
  /** CUPED-adjusted intervals. */
  readonly accent: string;
  /** Treatment colours in order (the control draws in `fg`). */
  readonly variants: readonly string[];
  /** Opacity of a confidence band. */
  readonly bandOpacity: number;
  readonly font: string;
  /** The tooltip's look; null for a static chart, which has nothing to hover (the report's SVG). */
  readonly tooltip: TooltipTheme | null;
  /** Whether the chart animates: off for a static chart and when the user prefers reduced motion. */
  readonly animation: boolean;
}

const MONO = "'JetBrains Mono', ui-monospace, Menlo, Consolas, monospace";

/** The app on screen: white on black, lime for CUPED and the first treatment. */
export const SCREEN_THEME: ChartTheme = {
  fg: '#ffffff', muted: '#a6a6a6', axis: '#555555', grid: '#1f1f1f', zero: '#777777', accent: '#ccff00',
  variants: ['#ccff00', '#4da3ff', '#ff9f1c', '#c58bff', '#00e5ff', '#ffd166'],
  bandOpacity: 0.16,
  font: MONO,
  tooltip: {
    backgroundColor: '#000000', borderColor: '#ffffff', borderWidth: 1, borderRadius: 0, padding: [6, 8],
    textStyle: { color: '#ffffff', fontFamily: MONO, fontSize: 11 }, extraCssText: 'box-shadow:none;border-radius:0;',
  },
  animation: true,
};

/** Paper: black on white, darker hues of the screen's colours, static. */
export const PRINT_THEME: ChartTheme = {
  fg: '#000000', muted: '#404040', axis: '#808080', grid: '#e3e3e3', zero: '#000000', accent: '#4f7a00',
  variants: ['#4f7a00', '#0b5cad', '#b35400', '#6b3fa0', '#00727f', '#8a6d00'],
  bandOpacity: 0.14,
  font: MONO,
  tooltip: null,
  animation: false,
};

/** `theme` drawn once, as an image: no tooltip, no animation (the report's screen charts). */
export function staticTheme(theme: ChartTheme): ChartTheme {
  return { ...theme, tooltip: null, animation: false };
}

/** The colour of treatment number `index` (0 = the first variant after control). */
export function treatmentColor(theme: ChartTheme, index: number): string {
  return theme.variants[index % theme.variants.length]!;
}

/**
 * What every chart shares: motion, background, type and the plot area's margins. The margins
 * leave the axis labels to echarts' outer bounds (the default since echarts 6, which keeps
 * labels inside the chart; `containLabel` would need its legacy module).
 */
export function chartBase(theme: ChartTheme) {
  return {
    animation: theme.animation,
    animationDuration: 250,
    animationDurationUpdate: 200,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: theme.font },
    grid: { left: 8, right: 16, top: 28, bottom: 24 },
  };
}

/** Axis line, ticks, labels and grid lines. */
export function axisStyle(theme: ChartTheme) {
  return {
    axisLine: { lineStyle: { color: theme.axis } },
    axisTick: { lineStyle: { color: theme.axis } },
    axisLabel: { color: theme.muted, fontFamily: theme.font, fontSize: 11 },
    splitLine: { lineStyle: { color: theme.grid } },
    nameTextStyle: { color: theme.muted, fontFamily: theme.font, fontSize: 11 },
  };
}

/** The legend, top right, square keys. */
export function legendStyle(theme: ChartTheme, data: readonly string[]) {
  return { data, textStyle: { color: theme.fg, fontFamily: theme.font, fontSize: 11 }, icon: 'rect', itemWidth: 10, itemHeight: 10, top: 0, right: 0 };
}

/**
 * The tooltip option: the theme's box with `spec` (trigger, formatter), or none for a static
 * theme. Spread into an option: `{ ...tooltip(theme, spec) }`.
 */
export function tooltip(theme: ChartTheme, spec: Record<string, unknown>): { tooltip?: Record<string, unknown> } {
  return theme.tooltip ? { tooltip: { ...theme.tooltip, ...spec } } : {};
}

/** The zero line of an uplift chart, as a mark line on `axis`. */
export function zeroLine(theme: ChartTheme, axis: 'xAxis' | 'yAxis') {
  return { silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: theme.zero, type: 'solid', width: 1 }, data: [{ [axis]: 0 }] };
}

/** An axis value in percent, signed ("+4%", "-1.25%"), without binary-fraction noise. */
export function signedPercentLabel(v: number): string {
  return `${v > 0 ? '+' : ''}${Number(v.toFixed(2))}%`;
}

/** An axis value in percent ("25%"). */
export function percentLabel(v: number): string {
  return `${Number(v.toFixed(2))}%`;
}
