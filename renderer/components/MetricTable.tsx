/**
 * The metric table: one row per metric × variant. Every numeric cell carries `data-metric`,
 * `data-variant`, `data-field` and `data-value` (the unrounded number from the report, or '' for
 * null) so tests and screen scrapers read exact values; the uplift cells carry their interval
 * bounds on inner spans with their own `data-field`/`data-value`.
 */
import type { ReactNode } from 'react';
import type { ExperimentReport, MetricReport } from '../../contract/report.ts';
import type { Comparison, Interval } from '../../stats/types.ts';
import {
  dataValue, formatAbsolute, formatCount, formatPValue, formatPercent, formatUplift, formatValue, DASH,
} from '../../contract/number-format.ts';
import { displayName } from '../format/names.ts';

type Field =
  | 'n' | 'mean' | 'absolute' | 'relative' | 'relativeLower' | 'relativeUpper' | 'pValue'
  | 'cupedRelative' | 'cupedRelativeLower' | 'cupedRelativeUpper' | 'cupedPValue' | 'varianceReduction';

interface CellKey { readonly metric: string; readonly variant: string }

function NumCell({ k, field, value, children, className }: { k: CellKey; field: Field; value: number | null | undefined; children: ReactNode; className?: string }) {
  return (
    <td className={`num${className ? ` ${className}` : ''}`} data-metric={k.metric} data-variant={k.variant} data-field={field} data-value={dataValue(value)}>
      {children}
    </td>
  );
}

function Bound({ k, field, value }: { k: CellKey; field: Field; value: number | null | undefined }) {
  return <span data-metric={k.metric} data-variant={k.variant} data-field={field} data-value={dataValue(value)}>{formatUplift(value)}</span>;
}

/** 'pos' when the interval lies above zero, 'neg' below, '' otherwise. */
function direction(interval: Interval | null | undefined): string {
  if (!interval || interval.ciLower === null || interval.ciUpper === null) return '';
  if (interval.ciLower > 0) return 'pos';
  if (interval.ciUpper < 0) return 'neg';
  return '';
}

function UpliftCell({ k, field, interval, lowerField, upperField }: { k: CellKey; field: Field; lowerField: Field; upperField: Field; interval: Interval | null | undefined }) {
  const estimate = interval?.estimate ?? null;
  return (
    <NumCell k={k} field={field} value={estimate} className={direction(interval)}>
      {estimate === null ? DASH : (
        <>
          <span className="est">{formatUplift(estimate)}</span>{' '}
          <span className="ci">[<Bound k={k} field={lowerField} value={interval?.ciLower} />, <Bound k={k} field={upperField} value={interval?.ciUpper} />]</span>
        </>
      )}
    </NumCell>
  );
}

function MetricRows({ metric, report }: { metric: MetricReport; report: ExperimentReport }) {
  const comparisons = new Map<string, Comparison>(metric.comparisons.map((c) => [c.variant, c]));
  const tags: string[] = [];
  if (metric.name === report.primaryMetric) tags.push('primary');
  if (report.guardrailMetrics.includes(metric.name)) tags.push('guardrail');
  return (
    <tbody data-metric-group={metric.name}>
      {metric.variants.map((summary, index) => {
        const k = { metric: metric.name, variant: summary.variant };
        const c = comparisons.get(summary.variant) ?? null;
        const cuped = c?.cuped ?? null;
        const isControl = summary.variant === report.control;
        return (
          <tr key={summary.variant} className={isControl ? 'control-row' : undefined}>
            {index === 0 && (
              <th scope="rowgroup" rowSpan={metric.variants.length} className="metric-name">
                {displayName(metric.name)}
                <div className="badges">
                  <span className="badge tag">{metric.type}</span>
                  {tags.map((t) => <span key={t} className="badge tag">{t}</span>)}
                </div>
                {metric.errorCode && <span className="errcode">{metric.errorCode}</span>}
              </th>
            )}
            <th scope="row" className="variant">
              {displayName(summary.variant)}
              {isControl && summary.variant !== 'control' && <span className="muted"> · control</span>}
              {c?.errorCode && <span className="errcode">{c.errorCode}</span>}
            </th>
            <NumCell k={k} field="n" value={summary.n}>{formatCount(summary.n)}</NumCell>
            <NumCell k={k} field="mean" value={summary.mean}>{formatValue(summary.mean, metric.type)}</NumCell>
            <NumCell k={k} field="absolute" value={c?.absolute.estimate}>{formatAbsolute(c?.absolute.estimate, metric.type)}</NumCell>
            <UpliftCell k={k} field="relative" lowerField="relativeLower" upperField="relativeUpper" interval={c?.relative} />
            <NumCell k={k} field="pValue" value={c?.pValue}>{formatPValue(c?.pValue)}</NumCell>
            <UpliftCell k={k} field="cupedRelative" lowerField="cupedRelativeLower" upperField="cupedRelativeUpper" interval={cuped?.relative} />
            <NumCell k={k} field="cupedPValue" value={cuped?.pValue}>{formatPValue(cuped?.pValue)}</NumCell>
            <NumCell k={k} field="varianceReduction" value={cuped?.varianceReduction}>{formatPercent(cuped?.varianceReduction)}</NumCell>
          </tr>
        );
      })}
    </tbody>
  );
}

export function MetricTable({ report }: { report: ExperimentReport }) {
  return (
    <div className="table-wrap">
      <table aria-label="Metrics">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Variant</th>
            <th scope="col" className="num">n</th>
            <th scope="col" className="num">Value</th>
            <th scope="col" className="num">Δ absolute</th>
            <th scope="col" className="num">Uplift [CI]</th>
            <th scope="col" className="num">p</th>
            <th scope="col" className="num">CUPED uplift [CI]</th>
            <th scope="col" className="num">CUPED p</th>
            <th scope="col" className="num">Variance reduction</th>
          </tr>
        </thead>
        {report.metrics.map((metric) => <MetricRows key={metric.name} metric={metric} report={report} />)}
      </table>
    </div>
  );
}
