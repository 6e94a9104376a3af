/**
 * Experiment (docs/interface.md): the verdict in one sentence, warnings, filters (exposure dates, segment,
 * α, CUPED), the metric table, charts (CI forest plot, cumulative uplift, retention, funnel), the power
 * panel and the SRM check, then the Decision section (DecisionSection.tsx). Every control
 * re-analyses with `overrides`.
 */
import { useMemo, useState, type ChangeEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ExperimentAnalysis } from '../../contract/desk-api.ts';
import type { ExperimentReport } from '../../contract/report.ts';
import { EXPOSURE_ATTRIBUTES } from '../../contract/settings.ts';
import { cumulativeLabel, cumulativeOption } from '../../charts/cumulative.ts';
import { forestHeight, forestLabel, forestOption, forestRows } from '../../charts/forest.ts';
import { funnelLabel, funnelOption } from '../../charts/funnel.ts';
import { retentionLabel, retentionOption } from '../../charts/retention.ts';
import { screenTheme } from '../charts/echarts.ts';
import { VerdictBadge } from '../components/Badge.tsx';
import { isBlockingWarningCode } from '../../contract/verdict-display.ts';
import { EChart } from '../components/EChart.tsx';
import { MetricTable } from '../components/MetricTable.tsx';
import { ScreenHeading } from '../components/ScreenHeading.tsx';
import { dataValue, formatCount, formatDate, formatDays, formatNumber, formatPValue, formatPercent } from '../../contract/number-format.ts';
import { displayName, displayNames } from '../format/names.ts';
import { analyzeOpenExperiment, setOverrides } from '../store/actions/experiment.ts';
import { openReportExport } from '../store/actions/report.ts';
import { useDeskStore } from '../store/store.ts';
import { DecisionSection } from './DecisionSection.tsx';

export function ExperimentScreen() {
  const experimentId = useDeskStore((s) => s.experiment.experimentId);
  const status = useDeskStore((s) => s.experiment.status);
  const error = useDeskStore((s) => s.experiment.error);
  const report = useDeskStore((s) => s.experiment.analysis?.report ?? null);
  const alpha = useDeskStore((s) => s.experiment.overrides.alpha ?? s.settings.values?.alpha ?? 0.05);
  const defaultAlpha = useDeskStore((s) => s.settings.values?.alpha ?? 0.05);

  return (
    <section className="screen" aria-busy={status === 'loading'}>
      <div className="screen-head">
        <ScreenHeading className="mono">{experimentId === null ? 'No experiment' : displayName(experimentId)}</ScreenHeading>
        {report && (
          <span className="sub">
            {report.source === 'events' ? 'event log' : 'unit table'} · control <span className="mono">{displayName(report.control)}</span>
          </span>
        )}
        {report && <ExportButton />}
      </div>
      {error && (
        <div className="banner alert" role="alert">
          <span className="code">{error.code}</span>
          <p>{error.message}</p>
          <button type="button" className="quiet" onClick={() => void analyzeOpenExperiment()}>Retry</button>
        </div>
      )}
      {!report && status === 'loading' && <p className="loading-state">Analysing {displayName(experimentId)}…</p>}
      {report && (
        <>
          <Verdict report={report} />
          <Warnings report={report} />
          {/* Keyed so the α field starts from the settings once they have loaded. */}
          <Controls key={`${experimentId}:${defaultAlpha}`} />
          <div className="dim-when-busy">
            <Meta report={report} />
            <MetricTable report={report} />
            <Charts report={report} alpha={alpha} />
          </div>
          <DecisionSection />
        </>
      )}
    </section>
  );
}

/** Opens the export dialog; says where the last report went. */
function ExportButton() {
  const saved = useDeskStore((s) => (s.reportExport.status === 'done' ? s.reportExport.saved : null));
  return (
    <span className="export-cell">
      {saved && <span className="export-status" role="status">saved {displayName(saved.path ?? saved.fileName)}</span>}
      <button type="button" onClick={openReportExport} aria-haspopup="dialog" aria-keyshortcuts="Control+E Meta+E">Export report</button>
    </span>
  );
}

function Verdict({ report }: { report: ExperimentReport }) {
  const { verdict } = report;
  return (
    <div className="verdict" data-verdict={verdict.status}>
      <VerdictBadge status={verdict.status} />
      <p className="reason" id="verdict-reason">{displayName(verdict.reason)}</p>
      <span className="transition">
        {verdict.proposedTransition ? <>proposes <strong>{verdict.proposedTransition}</strong></> : 'no transition proposed'}
      </span>
    </div>
  );
}

function Warnings({ report }: { report: ExperimentReport }) {
  if (report.warnings.length === 0) return null;
  return (
    <div aria-label="Warnings" role="group">
      {report.warnings.map((w, i) => {
        const blocking = isBlockingWarningCode(w.code);
        return (
          <div key={`${w.code}-${w.metric ?? ''}-${w.variant ?? ''}-${i}`} className={`banner ${blocking ? 'alert' : 'info'}`} role={blocking ? 'alert' : 'status'} data-warning={w.code}>
            <span className="code">{w.code.replace(/_/g, ' ')}</span>
            <p>{displayName(w.message)}</p>
            <span className="detail">{displayNames([w.metric, w.variant].filter((n): n is string => Boolean(n)), ' · ')}</span>
          </div>
        );
      })}
    </div>
  );
}

function Meta({ report }: { report: ExperimentReport }) {
  return (
    <dl className="meta">
      <div><dt>Units analysed</dt><dd data-field="units-analysed">{formatCount(Object.values(report.units).reduce((a, b) => a + b, 0))}</dd></div>
      <div><dt>Per variant</dt><dd>{report.variants.map((v) => `${displayName(v)} ${formatCount(report.units[v] ?? 0)}`).join(' · ')}</dd></div>
      <div><dt>Excluded (multiple exposures)</dt><dd>{formatCount(report.excludedUnits.multipleExposures)}</dd></div>
      <div><dt>Exposure</dt><dd>{formatDate(report.firstExposure)} → {formatDate(report.dataEnd)}</dd></div>
      <div><dt>Runtime</dt><dd>{formatDays(report.runtimeDays)}</dd></div>
      <div><dt>Primary</dt><dd>{report.primaryMetric === null ? '—' : displayName(report.primaryMetric)}</dd></div>
      <div><dt>Guardrails</dt><dd>{displayNames(report.guardrailMetrics) || '—'}</dd></div>
    </dl>
  );
}

/** A date input's value (yyyy-mm-dd) from an ISO override. */
const dateOf = (iso: string | undefined): string => (iso ? iso.slice(0, 10) : '');

/** No exposure attributes (unit tables, or before the first analysis): one object, so selectors stay stable. */
const NO_ATTRIBUTES: ExperimentAnalysis['exposureAttributes'] = {};

function Controls() {
  const { overrides, segments, attributes, settings, status } = useDeskStore(useShallow((s) => ({
    overrides: s.experiment.overrides,
    segments: s.experiment.analysis?.segments ?? [],
    attributes: s.experiment.analysis?.exposureAttributes ?? NO_ATTRIBUTES,
    settings: s.settings.values,
    status: s.experiment.status,
  })));
  const cupedOn = overrides.cuped ?? settings?.cuped ?? true;
  const defaultAlpha = settings?.alpha ?? 0.05;
  const [alphaText, setAlphaText] = useState(String(overrides.alpha ?? defaultAlpha));
  const alphaValue = Number(alphaText);
  const alphaValid = alphaText.trim() !== '' && Number.isFinite(alphaValue) && alphaValue > 0 && alphaValue < 1;

  const onAlpha = (event: ChangeEvent<HTMLInputElement>) => {
    const text = event.target.value;
    setAlphaText(text);
    const value = Number(text);
    if (text.trim() !== '' && Number.isFinite(value) && value > 0 && value < 1 && value !== (overrides.alpha ?? defaultAlpha)) {
      void setOverrides({ alpha: value });
    }
  };

  return (
    <div className="controls" role="group" aria-label="Analysis filters">
      <div className="control">
        <span className="visually-hidden" id="cuped-hint">Use the CUPED-adjusted comparison for the verdict</span>
        <span className="control-label" aria-hidden="true">Variance reduction</span>
        <button
          id="cuped-switch"
          type="button"
          role="switch"
          aria-checked={cupedOn}
          aria-label="CUPED"
          aria-describedby="cuped-hint"
          className="switch"
          onClick={() => void setOverrides({ cuped: !cupedOn })}
        >
          <span className="track" aria-hidden="true"><span className="thumb" /></span>
          CUPED <span className="state">{cupedOn ? 'ON' : 'OFF'}</span>
        </button>
      </div>
      <div className="control">
        <label htmlFor="exposure-from">Exposure from</label>
        <input
          id="exposure-from"
          type="date"
          value={dateOf(overrides.exposureFrom)}
          onChange={(e) => void setOverrides({ exposureFrom: e.target.value || undefined })}
        />
      </div>
      <div className="control">
        <label htmlFor="exposure-to">Exposure to</label>
        <input
          id="exposure-to"
          type="date"
          value={dateOf(overrides.exposureTo)}
          aria-describedby="exposure-to-hint"
          onChange={(e) => void setOverrides({ exposureTo: e.target.value || undefined })}
        />
        <span className="hint" id="exposure-to-hint">exclusive, UTC</span>
      </div>
      <div className="control">
        <label htmlFor="segment">Segment</label>
        <select id="segment" value={overrides.segment ?? ''} onChange={(e) => void setOverrides({ segment: e.target.value || undefined })}>
          <option value="">(all)</option>
          {segments.map((s) => <option key={s} value={s}>{displayName(s)}</option>)}
          {overrides.segment && !segments.includes(overrides.segment) && <option value={overrides.segment}>{displayName(overrides.segment)}</option>}
        </select>
      </div>
      {EXPOSURE_ATTRIBUTES.map((column) => {
        const values = attributes[column] ?? [];
        const selected = overrides.exposureFilters?.[column];
        // A filter is offered where the exposures differ (or one is set).
        if (values.length < 2 && !selected) return null;
        const onChange = (value: string): void => {
          const { [column]: _dropped, ...others } = overrides.exposureFilters ?? {};
          void setOverrides({ exposureFilters: value ? { ...others, [column]: value } : others });
        };
        return (
          <div className="control" key={column}>
            <label htmlFor={`exposure-${column}`}>{column}</label>
            <select id={`exposure-${column}`} value={selected ?? ''} onChange={(e) => onChange(e.target.value)}>
              <option value="">(all)</option>
              {values.map((v) => <option key={v} value={v}>{displayName(v)}</option>)}
              {selected && !values.includes(selected) && <option value={selected}>{displayName(selected)}</option>}
            </select>
          </div>
        );
      })}
      <div className="control">
        <label htmlFor="alpha">Alpha</label>
        <input
          id="alpha"
          type="number"
          inputMode="decimal"
          min={0.0001}
          max={0.5}
          step={0.01}
          value={alphaText}
          aria-invalid={!alphaValid}
          aria-describedby="alpha-hint"
          onChange={onAlpha}
        />
        <span className="hint" id="alpha-hint">{alphaValid ? `${formatPercent(1 - alphaValue, 1)} CI` : 'between 0 and 1'}</span>
      </div>
      <div className="control busy" aria-live="polite">{status === 'loading' ? 'analysing…' : 'up to date'}</div>
    </div>
  );
}

function Charts({ report, alpha }: { report: ExperimentReport; alpha: number }) {
  const { cumulative, retention } = useDeskStore(useShallow((s) => ({
    cumulative: s.experiment.analysis?.cumulative ?? null,
    retention: s.experiment.analysis?.retention ?? null,
  })));
  const rows = useMemo(() => forestRows(report), [report]);
  const forest = useMemo(() => forestOption(rows, screenTheme()), [rows]);
  const cumulativeChart = useMemo(() => (cumulative ? cumulativeOption(cumulative, report.control, screenTheme()) : null), [cumulative, report.control]);
  const retentionChart = useMemo(() => (retention ? retentionOption(retention, report.control, screenTheme()) : null), [retention, report.control]);
  const funnelChart = useMemo(() => funnelOption(report, screenTheme()), [report]);

  const chartHeight = forestHeight(rows.length);
  return (
    <div className="panels">
      <div className="panel">
        <h2>Relative uplift · {Math.round((1 - alpha) * 1000) / 10}% CI</h2>
        <EChart option={forest} label={forestLabel(rows, alpha)} height={chartHeight} testId="forest-plot" />
      </div>
      {cumulativeChart && cumulative && (
        <div className="panel">
          <h2>Cumulative uplift · {report.primaryMetric === null ? 'primary metric' : displayName(report.primaryMetric)}</h2>
          <EChart option={cumulativeChart} label={cumulativeLabel(cumulative, report.control, report.primaryMetric)} height={chartHeight} testId="cumulative-chart" />
        </div>
      )}
      {retentionChart && retention && (
        <div className="panel">
          <h2>Retention D0…D30</h2>
          <EChart option={retentionChart} label={retentionLabel(retention)} height={260} testId="retention-chart" />
        </div>
      )}
      {funnelChart && (
        <div className="panel">
          <h2>Funnel</h2>
          <EChart option={funnelChart} label={funnelLabel(report)} height={260} testId="funnel-chart" />
        </div>
      )}
      <div className="panel">
        <PowerPanel report={report} />
        {!cumulativeChart && <p className="muted">No exposure timestamps: no cumulative uplift or retention over time.</p>}
      </div>
    </div>
  );
}

function Stat({ label, field, value, children }: { label: string; field: string; value: number | null | undefined; children: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-field={field} data-value={dataValue(value)}>{children}</dd>
    </div>
  );
}

function PowerPanel({ report }: { report: ExperimentReport }) {
  const { power, srm } = report;
  return (
    <>
      <section aria-label="Power" className="panel" style={{ padding: 0 }}>
        <h2>Power · {displayName(power?.metric ?? report.primaryMetric) || '—'}</h2>
        {power ? (
          <dl className="stats-list">
            <Stat label="MDE (relative)" field="relativeMde" value={power.relativeMde}>{formatPercent(power.relativeMde, 1)}</Stat>
            <Stat label="Power" field="power" value={power.power}>{formatPercent(power.power, 0)}</Stat>
            <Stat label="Required n per variant" field="requiredPerVariant" value={power.requiredPerVariant}>{formatCount(power.requiredPerVariant)}</Stat>
            <Stat label="Achieved MDE" field="achievedMde" value={power.achievedMde}>{formatPercent(power.achievedMde, 1)}</Stat>
            <Stat label="Units / variant / day" field="unitsPerVariantPerDay" value={power.unitsPerVariantPerDay}>{formatNumber(power.unitsPerVariantPerDay)}</Stat>
            <Stat label="Days still needed" field="daysStillNeeded" value={power.daysStillNeeded}>{power.daysStillNeeded === null ? '—' : formatCount(power.daysStillNeeded)}</Stat>
          </dl>
        ) : <p className="muted">No power analysis for this experiment.</p>}
      </section>
      <p className={`srm ${srm.flagged ? 'neg' : ''}`} data-field="srmPValue" data-value={dataValue(srm.pValue)}>
        SRM · χ² {srm.chiSquare === null ? '—' : srm.chiSquare.toFixed(3)} · df {srm.df} · p {formatPValue(srm.pValue)} ·{' '}
        {srm.flagged ? 'SAMPLE RATIO MISMATCH (p < 0.001)' : 'split as configured'}
      </p>
    </>
  );
}
