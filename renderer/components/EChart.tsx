import { useEffect, useRef } from 'react';
import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { echarts } from '../charts/echarts.ts';

/**
 * One ECharts instance (SVG renderer) in a `role="img"` box whose `aria-label` describes the
 * chart; resized with its container, disposed on unmount.
 */
export function EChart({ option, label, height, testId }: { option: EChartsCoreOption; label: string; height: number; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const instance = echarts.init(element, null, { renderer: 'svg' });
    chart.current = instance;
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(() => instance.resize()) : null;
    observer?.observe(element);
    return () => {
      observer?.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true, lazyUpdate: false });
  }, [option]);

  return <div ref={box} className="chart" role="img" aria-label={label} style={{ height }} data-testid={testId} />;
}
