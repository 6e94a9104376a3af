/**
 * A decision's `proofResult` (docs/changesets.md) in one grid: metric and method, the decided arm against
 * control with its uplift and CI, p-value, CUPED θ and variance reduction, units per arm, the
 * analysis window, the data's content hash and the app version. Every number carries
 * `data-field` / `data-value` (unrounded) like the metric table.
 */
import type { ReactNode } from 'react';
import type { ProofResult } from '../../contract/changesets/schemas.ts';
import { dataValue, formatAbsolute, formatCount, formatDate, formatNumber, formatPValue, formatPercent, formatUpliftWithCi } from '../../contract/number-format.ts';
import { displayName } from '../format/names.ts';

function Item({ label, field, value, children }: { label: string; field: string; value?: number | null; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-field={field} {...(value !== undefined && { 'data-value': dataValue(value) })}>{children}</dd>
    </div>
  );
}

export function ProofSummary({ proof }: { proof: ProofResult }) {
  const arms = proof.variants.map((v) => `${displayName(v.variant)}${v.isControl ? ' (control)' : ''} ${formatCount(v.n)}`).join(' · ');
  return (
    <dl className="proof-grid">
      <Item label="Metric" field="metric">{displayName(proof.metric)} <span className="muted">({proof.metricType})</span></Item>
      <Item label="Method" field="method">{proof.method === 'cuped' ? 'CUPED-adjusted' : 'frequentist'} · α {formatNumber(proof.alpha)}</Item>
      <Item label="Arm" field="variant">{displayName(proof.variant) || '—'} vs {displayName(proof.control)}</Item>
      <Item label="Relative uplift (CI)" field="relativeUplift" value={proof.relativeUplift.estimate}>
        {formatUpliftWithCi(proof.relativeUplift.estimate, proof.relativeUplift.ciLower, proof.relativeUplift.ciUpper)}
      </Item>
      <Item label="Absolute uplift" field="absoluteUplift" value={proof.absoluteUplift.estimate}>
        {formatAbsolute(proof.absoluteUplift.estimate, proof.metricType)}
      </Item>
      <Item label="p-value" field="pValue" value={proof.pValue}>{formatPValue(proof.pValue)}</Item>
      <Item label="CUPED θ" field="cupedTheta" value={proof.cuped?.theta ?? null}>{proof.cuped ? formatNumber(proof.cuped.theta) : 'not used'}</Item>
      <Item label="Variance reduction" field="varianceReduction" value={proof.cuped?.varianceReduction ?? null}>
        {proof.cuped ? formatPercent(proof.cuped.varianceReduction, 1) : 'not used'}
      </Item>
      <Item label="Units" field="units">{arms || '—'}</Item>
      <Item label="Analysis window" field="analysisWindow">{formatDate(proof.analysisWindow.start)} → {formatDate(proof.analysisWindow.end)}</Item>
      <Item label="Data hash" field="dataHash"><span className="hash" title={proof.dataHash}>{proof.dataHash}</span></Item>
      <Item label="App version" field="appVersion">{proof.appVersion}</Item>
      {proof.warnings.length > 0 && (
        <Item label="Warnings" field="warnings">{[...new Set(proof.warnings.map((w) => w.code))].join(', ')}</Item>
      )}
    </dl>
  );
}
