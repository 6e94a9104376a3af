/**
 * The decision report as ONE self-contained HTML file (docs/reports.md): styles and the JetBrains Mono
 * font inlined (data: URLs), charts as inline SVG rendered server-side, no script, nothing
 * loaded from the network — a Content-Security-Policy meta tag (`default-src 'none'`) makes sure
 * of it in any browser. It reads the same on screen (docs/interface.md, dark) and on paper (a light print
 * stylesheet, which is also what the PDF is printed from).
 *
 * Order: masthead; title; verdict in one sentence; key facts; warnings; metric table; charts
 * (CI forest plot, cumulative uplift with CI band, retention curve, funnel); power and SRM; provenance
 * (files, hashes, row counts, rejects, window, settings, versions); the ChangeSet and its audit
 * trail.
 *
 * Every number cell of the metric table carries `data-metric`, `data-variant`, `data-field` and
 * `data-value` (the unrounded number, `String(x)`, or '' for null) with the field names of the
 * app's metric table (renderer/components/MetricTable.tsx), so a reader or a test can compare
 * the shown numbers with the analysis JSON exactly. Every text that comes from the data
 * (experiment ids, variant and metric names, file names, reasons, metadata) goes through `esc`.
 */
import { createHash } from 'node:crypto';
import type { AnalysisWarning } from '../../stats/index.ts';
import type { MetricReport } from '../../contract/report.ts';
import type { AnalysisSettings } from '../../contract/settings.ts';
import { CHART_WIDTH, cumulativeSvg, forestSvg, funnelSvg, retentionSvg } from './charts.ts';
import { embeddedFontCss } from './fonts.ts';
import { escapeHtml } from '../../contract/escape-html.ts';
import { isAutoRollbackArmed } from '../../contract/changesets/lifecycle.ts';
import { isBlockingWarningCode, verdictLabel } from '../../contract/verdict-display.ts';
import {
  DASH, dataValue, formatAbsolute, formatCount, formatDate, formatDays, formatNumber, formatPValue, formatPercent, formatTimestamp,
  formatUplift, formatValue,
} from '../../contract/number-format.ts';
import { REPORT_CSS } from './report-css.ts';
import type { DecisionReportModel, ReportAuditEvent, ReportChangeSet } from './report-model.ts';

/**
 * Escapes text for HTML content and quoted attribute values, without bidi controls: the
 * project's one escape (contract/escape-html.ts, docs/security.md).
 */
export const esc = escapeHtml;

/** The SHA-256 source expression of a text, as CSP writes it: `'sha256-<base64>'`. */
function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The text of the distinct `style="…"` attributes in `html` (entities decoded, as CSP hashes them). */
function styleAttributes(html: string): string[] {
  const values = new Set<string>();
  for (const match of html.matchAll(/\sstyle="([^"]*)"/g)) {
    values.add(match[1]!.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&'));
  }
  return [...values].sort();
}

/**
 * The page's policy: nothing from anywhere; fonts and images from data: URLs only; styles only
 * the page's own `<style>` element and the `style` attributes echarts writes on SVG text, each
 * allowed by its SHA-256 — no 'unsafe-inline' (docs/security.md, "Report files").
 */
export function reportCsp(css: string, body: string): string {
  const attributes = styleAttributes(body);
  const styles = [cspHash(css), ...(attributes.length > 0 ? ["'unsafe-hashes'", ...attributes.map(cspHash)] : [])];
  return `default-src 'none'; style-src ${styles.join(' ')}; font-src data:; img-src data:; base-uri 'none'; form-action 'none'`;
}


type Interval = { estimate: number | null; ciLower: number | null; ciUpper: number | null };

function badge(status: string, text = status): string {
  return `<span class="badge ${esc(status.toLowerCase())}">${esc(text.replaceAll('_', ' '))}</span>`;
}

function fact(label: string, value: string, attrs = ''): string {
  return `<div><dt>${esc(label)}</dt><dd${attrs}>${value}</dd></div>`;
}

// ── sections ─────────────────────────────────────────────────────────────────────────────────

function masthead(m: DecisionReportModel): string {
  return `<header class="mast"><div class="brand"><i aria-hidden="true"></i>Experiment Desk · Decision report</div>`
    + `<div class="stamp"><span>Generated <time datetime="${esc(m.generatedAt)}">${esc(formatTimestamp(m.generatedAt))}</time></span>`
    + `<span>v${esc(m.appVersion)}</span></div></header>`;
}

function title(m: DecisionReportModel): string {
  const e = m.analysis;
  const units = Object.values(e.units).reduce((a, b) => a + b, 0);
  return `<section class="title"><h1>${esc(m.experimentId)}</h1><p class="sub">`
    + `${e.source === 'events' ? 'Event log' : 'Unit table'} · control <b>${esc(e.control)}</b> · ${e.variants.length} variants · `
    + `<b>${esc(formatCount(units))}</b> units`
    + (e.firstExposure ? ` · exposure <b>${esc(formatDate(e.firstExposure))}</b> → <b>${esc(formatDate(e.dataEnd))}</b>` : ' · no timestamps')
    + `</p></section>`;
}

function verdict(m: DecisionReportModel): string {
  const h = m.headline;
  const next: string[] = [h.proposedTransition
    ? `<span><span class="label">Proposes</span><strong>${esc(h.proposedTransition)}</strong></span>`
    : '<span><span class="label">Proposes</span>no transition</span>'];
  if (m.decision) {
    const d = m.decision;
    const parts = [d.actor ? `by ${esc(`${d.actor.type}:${d.actor.id}`)}` : '', d.at ? esc(formatTimestamp(d.at)) : '', esc(d.sync)].filter(Boolean);
    next.push(`<span data-decision="${esc(d.to)}"><span class="label">Decision</span><strong>${esc(d.to)}</strong> · ${parts.join(' · ')}</span>`);
  } else {
    next.push('<span><span class="label">Decision</span>none recorded</span>');
  }
  // The headline restates the verdict's reason with the same numbers: the reason itself is in the JSON export.
  return `<section class="verdict" data-verdict="${esc(h.status)}" aria-label="Verdict">`
    + `${badge(h.status, verdictLabel(h.status))}<p class="headline" id="headline">${esc(h.sentence)}</p>`
    + `<p class="next">${next.join('')}</p></section>`;
}

function keyFacts(m: DecisionReportModel): string {
  const e = m.analysis;
  const s = m.settings;
  const units = Object.values(e.units).reduce((a, b) => a + b, 0);
  const cuped = !s.cuped ? 'off' : e.source === 'events' ? `on · pre-period ${s.cupedPrePeriodDays} d` : 'on · covariate columns';
  return `<section class="keep" aria-label="Key facts"><h2>Experiment</h2><dl class="facts">`
    + fact('Units analysed', esc(formatCount(units)))
    + fact('Per variant', e.variants.map((v) => `${esc(v)} ${esc(formatCount(e.units[v] ?? 0))}`).join('<br>'))
    + fact('Excluded · multiple exposures', esc(formatCount(e.excludedUnits.multipleExposures)))
    + fact('Runtime', esc(formatDays(e.runtimeDays)))
    + fact('Primary metric', esc(e.primaryMetric ?? DASH))
    + fact('Guardrails', esc(e.guardrailMetrics.join(', ') || DASH))
    + fact('Significance', `α ${esc(String(s.alpha))} · ${esc(formatPercent(1 - s.alpha, 1))} CI`)
    + fact('CUPED', esc(cuped))
    + (e.source === 'events' ? fact('Metric windows', esc(windowsText(s.metricWindowDays))) : '')
    + `</dl></section>`;
}

/** "conversion 7 d · funnel 3 d", or "until the end of the data". */
function windowsText(windows: AnalysisSettings['metricWindowDays']): string {
  const set = Object.entries(windows).map(([metric, days]) => `${metric} ${days} d`);
  return set.length > 0 ? set.join(' · ') : 'until the end of the data';
}

function warningRow(w: AnalysisWarning): string {
  const blocking = isBlockingWarningCode(w.code);
  return `<div class="warning${blocking ? ' blocking' : ''}" data-warning="${esc(w.code)}">`
    + `<span class="code">${esc(w.code.replaceAll('_', ' '))}</span><p>${esc(w.message)}</p>`
    + `<span class="detail">${esc([w.metric, w.variant].filter(Boolean).join(' · '))}</span></div>`;
}

function warnings(m: DecisionReportModel): string {
  const body = m.warnings.length === 0
    ? '<p class="muted">No warnings: sample ratio, sample size, runtime and data checks passed.</p>'
    : `<div class="warnings">${m.warnings.map(warningRow).join('')}</div>`;
  return `<section aria-label="Warnings"><h2>Warnings · ${m.warnings.length}</h2>${body}</section>`;
}

// ── metric table ─────────────────────────────────────────────────────────────────────────────

interface CellKey { readonly metric: string; readonly variant: string }

function numCell(k: CellKey, field: string, value: number | null | undefined, content: string, className = ''): string {
  return `<td class="num${className ? ` ${className}` : ''}" data-metric="${esc(k.metric)}" data-variant="${esc(k.variant)}" `
    + `data-field="${field}" data-value="${esc(dataValue(value))}">${content}</td>`;
}

function bound(k: CellKey, field: string, value: number | null | undefined): string {
  return `<span data-metric="${esc(k.metric)}" data-variant="${esc(k.variant)}" data-field="${field}" data-value="${esc(dataValue(value))}">${esc(formatUplift(value))}</span>`;
}

function direction(i: Interval | null | undefined): string {
  if (!i || i.ciLower === null || i.ciUpper === null) return '';
  if (i.ciLower > 0) return 'pos';
  if (i.ciUpper < 0) return 'neg';
  return '';
}

function upliftCell(k: CellKey, field: string, lower: string, upper: string, i: Interval | null | undefined): string {
  const estimate = i?.estimate ?? null;
  const content = estimate === null
    ? DASH
    : `<span class="est">${esc(formatUplift(estimate))}</span> <span class="ci">[${bound(k, lower, i?.ciLower)}, ${bound(k, upper, i?.ciUpper)}]</span>`;
  return numCell(k, field, estimate, content, direction(i));
}

function metricRows(metric: MetricReport, m: DecisionReportModel): string {
  const e = m.analysis;
  const tags: string[] = [metric.type];
  if (metric.name === e.primaryMetric) tags.push('primary');
  if (e.guardrailMetrics.includes(metric.name)) tags.push('guardrail');
  const rows = metric.variants.map((summary, index) => {
    const k = { metric: metric.name, variant: summary.variant };
    const c = metric.comparisons.find((x) => x.variant === summary.variant) ?? null;
    const cuped = c?.cuped ?? null;
    const isControl = summary.variant === e.control;
    const head = index === 0
      ? `<th scope="rowgroup" rowspan="${metric.variants.length}" class="metric-name">${esc(metric.name)}`
        + `<div class="badges">${tags.map((t) => `<span class="badge tag">${esc(t)}</span>`).join('')}</div>`
        + `${metric.errorCode ? `<span class="errcode">${esc(metric.errorCode)}</span>` : ''}</th>`
      : '';
    return `<tr${isControl ? ' class="control-row"' : ''}>${head}`
      + `<th scope="row" class="variant">${esc(summary.variant)}${isControl && summary.variant !== 'control' ? ' <span class="muted">· control</span>' : ''}`
      + `${c?.errorCode ? `<span class="errcode">${esc(c.errorCode)}</span>` : ''}</th>`
      + numCell(k, 'n', summary.n, esc(formatCount(summary.n)))
      + numCell(k, 'mean', summary.mean, esc(formatValue(summary.mean, metric.type)))
      + numCell(k, 'absolute', c?.absolute.estimate, esc(formatAbsolute(c?.absolute.estimate, metric.type)))
      + upliftCell(k, 'relative', 'relativeLower', 'relativeUpper', c?.relative)
      + numCell(k, 'pValue', c?.pValue, esc(formatPValue(c?.pValue)))
      + upliftCell(k, 'cupedRelative', 'cupedRelativeLower', 'cupedRelativeUpper', cuped?.relative)
      + numCell(k, 'cupedPValue', cuped?.pValue, esc(formatPValue(cuped?.pValue)))
      + numCell(k, 'varianceReduction', cuped?.varianceReduction, esc(formatPercent(cuped?.varianceReduction)))
      + '</tr>';
  });
  return `<tbody data-metric-group="${esc(metric.name)}">${rows.join('')}</tbody>`;
}

function metricTable(m: DecisionReportModel): string {
  const level = formatPercent(1 - m.settings.alpha, 1);
  const head = ['Metric', 'Variant', 'n', 'Value', 'Δ absolute', `Uplift [${level} CI]`, 'p', `CUPED uplift [CI]`, 'CUPED p', 'Var. reduction'];
  const numeric = new Set([2, 3, 4, 5, 6, 7, 8, 9]);
  return `<section aria-label="Metrics"><h2>Metrics</h2><div class="table-wrap"><table aria-label="Metrics" id="metrics">`
    + `<thead><tr>${head.map((h, i) => `<th scope="col"${numeric.has(i) ? ' class="num"' : ''}>${esc(h)}</th>`).join('')}</tr></thead>`
    + m.analysis.metrics.map((metric) => metricRows(metric, m)).join('')
    + `</table></div><p class="note">Binomial metrics show rates; Δ absolute in percentage points (pp) for them, in the metric's unit otherwise. `
    + `Uplift is relative to control with a delta-method CI; p is two-sided. Numbers are rounded for reading; each cell carries its exact value (data-value), `
    + `as do the CSV and JSON exports.</p></section>`;
}

// ── charts ───────────────────────────────────────────────────────────────────────────────────

function figure(id: string, heading: string, dark: string, light: string, caption: string): string {
  return `<figure data-chart="${id}" aria-label="${esc(heading)}"><h3>${esc(heading)}</h3>`
    + `<div class="svg chart-dark" role="img" aria-label="${esc(caption)}">${dark}</div>`
    + `<div class="svg chart-light" role="img" aria-label="${esc(caption)}">${light}</div>`
    + `<figcaption>${esc(caption)}</figcaption></figure>`;
}

function charts(m: DecisionReportModel): string {
  const e = m.analysis;
  const level = formatPercent(1 - m.settings.alpha, 1);
  const figures: string[] = [];
  const forestDark = forestSvg(e, 'dark');
  const forestLight = forestSvg(e, 'light', CHART_WIDTH);
  if (forestDark && forestLight) {
    figures.push(figure('forest', `Relative uplift · ${level} CI`, forestDark, forestLight,
      'Relative uplift of each treatment against control per metric, with its confidence interval: unadjusted, and CUPED-adjusted where a covariate exists. Intervals that do not cross zero are significant.'));
  }
  const cumulativeDark = cumulativeSvg(m.series.cumulative, e.control, 'dark');
  const cumulativeLight = cumulativeSvg(m.series.cumulative, e.control, 'light');
  if (cumulativeDark && cumulativeLight) {
    const last = [...m.series.cumulative].reverse().find((p) => p.relative !== null);
    const end = last ? ` Last day: ${last.variant} ${formatUplift(last.relative)} [${formatUplift(last.ciLower)}, ${formatUplift(last.ciUpper)}].` : '';
    figures.push(figure('cumulative', `Cumulative uplift · ${e.primaryMetric ?? 'primary metric'}`, cumulativeDark, cumulativeLight,
      `Relative uplift of ${e.primaryMetric ?? 'the primary metric'} over all units exposed up to each day (UTC), with its ${level} confidence band.${end}`));
  }
  const retentionDark = retentionSvg(m.series.retention, e.control, 'dark');
  const retentionLight = retentionSvg(m.series.retention, e.control, 'light');
  if (retentionDark && retentionLight) {
    figures.push(figure('retention', 'Retention D0…D30', retentionDark, retentionLight,
      'Share of mature units (exposed at least k + 1 days before the end of the data) with any event on day k after their first exposure, per variant.'));
  }
  const funnelDark = funnelSvg(e, 'dark');
  const funnelLight = funnelSvg(e, 'light');
  if (funnelDark && funnelLight) {
    const steps = e.metrics.filter((x) => x.funnelStep).map((x) => x.funnelStep!.event).join(' → ');
    figures.push(figure('funnel', 'Funnel', funnelDark, funnelLight,
      `Share of each variant's units that reached each step, in order, after their first exposure: ${steps}.`));
  }
  const none = figures.length === 0 ? '<p class="muted">No comparison could be drawn.</p>' : '';
  const noSeries = m.series.cumulative.length === 0
    ? '<p class="note">No exposure timestamps in this data: no uplift over time.</p>'
    : '';
  return `<section class="charts-section" aria-label="Charts"><h2>Charts</h2><div class="charts">${figures.join('')}</div>${none}${noSeries}</section>`;
}

// ── power and SRM ────────────────────────────────────────────────────────────────────────────

function stat(label: string, field: string, value: number | null | undefined, text: string): string {
  return fact(label, esc(text), ` data-field="${field}" data-value="${esc(dataValue(value))}"`);
}

function power(m: DecisionReportModel): string {
  const p = m.power;
  const srm = m.analysis.srm;
  const body = p
    ? `<dl class="facts three">`
      + stat('MDE (relative)', 'relativeMde', p.relativeMde, formatPercent(p.relativeMde, 1))
      + stat('Power', 'power', p.power, formatPercent(p.power, 0))
      + stat('Required n per variant', 'requiredPerVariant', p.requiredPerVariant, formatCount(p.requiredPerVariant))
      + stat('Achieved MDE', 'achievedMde', p.achievedMde, formatPercent(p.achievedMde, 1))
      + stat('Units / variant / day', 'unitsPerVariantPerDay', p.unitsPerVariantPerDay, formatNumber(p.unitsPerVariantPerDay))
      + stat('Days still needed', 'daysStillNeeded', p.daysStillNeeded, p.daysStillNeeded === null ? DASH : formatCount(p.daysStillNeeded))
      + `</dl>`
    : '<p class="muted">No power analysis for this experiment.</p>';
  const srmText = `SRM · χ² ${srm.chiSquare === null ? DASH : srm.chiSquare.toFixed(3)} · df ${srm.df} · p ${formatPValue(srm.pValue)} · `
    + (srm.flagged ? 'SAMPLE RATIO MISMATCH (p < 0.001)' : 'split as configured');
  return `<section class="keep" aria-label="Power"><h2>Power · ${esc(p?.metric ?? m.analysis.primaryMetric ?? DASH)}</h2>${body}`
    + `<p class="srm${srm.flagged ? ' flagged' : ''}" data-field="srmPValue" data-value="${esc(dataValue(srm.pValue))}">${esc(srmText)}</p></section>`;
}

// ── provenance ───────────────────────────────────────────────────────────────────────────────

function rejects(byReason: Readonly<Record<string, number>>): string {
  const entries = Object.entries(byReason).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? DASH : entries.map(([reason, n]) => `${esc(reason)} ${esc(formatCount(n))}`).join('<br>');
}

function provenance(m: DecisionReportModel): string {
  const p = m.provenance;
  const s = m.settings;
  const rows = p.files.map((f) => `<tr data-file-id="${f.fileId}">`
    + `<td class="wrap"><span class="mono">${esc(f.name)}</span><br><span class="muted">${esc(f.shape.replace('_', ' '))} · imported ${esc(formatTimestamp(f.importedAt))}</span></td>`
    + `<td class="hash">${esc(f.sha256)}</td>`
    + `<td class="num" data-field="rowsRead" data-value="${f.rowsRead}">${esc(formatCount(f.rowsRead))}</td>`
    + `<td class="num" data-field="rowsAccepted" data-value="${f.rowsAccepted}">${esc(formatCount(f.rowsAccepted))}</td>`
    + `<td class="num" data-field="rowsRejected" data-value="${f.rowsRejected}">${esc(formatCount(f.rowsRejected))}</td>`
    + `<td class="mono">${rejects(f.rejectsByReason)}</td></tr>`);
  const t = p.totals;
  const table = p.files.length === 0
    ? '<p class="muted">No imported file is recorded for this experiment.</p>'
    : `<div class="table-wrap"><table class="compact" aria-label="Files"><thead><tr><th scope="col">File</th><th scope="col">SHA-256</th>`
      + `<th scope="col" class="num">Rows read</th><th scope="col" class="num">Accepted</th><th scope="col" class="num">Rejected</th><th scope="col">Rejects by reason</th></tr></thead>`
      + `<tbody>${rows.join('')}</tbody>`
      + (p.files.length > 1
        ? `<tfoot><tr><td>Total · ${p.files.length} files</td><td></td><td class="num">${esc(formatCount(t.rowsRead))}</td><td class="num">${esc(formatCount(t.rowsAccepted))}</td>`
          + `<td class="num">${esc(formatCount(t.rowsRejected))}</td><td class="mono">${rejects(t.rejectsByReason)}</td></tr></tfoot>`
        : '')
      + `</table></div>`;
  const balance = t.rowsAccepted + t.rowsRejected === t.rowsRead ? 'balances' : 'DOES NOT BALANCE';
  const w = p.window;
  const filters = [w.exposureFrom && `from ${w.exposureFrom}`, w.exposureTo && `to ${w.exposureTo} (exclusive)`, w.segment && `segment ${w.segment}`].filter(Boolean).join(' · ') || 'none';
  return `<section aria-label="Provenance"><h2>Data provenance</h2>${table}`
    + `<p class="note">${esc(formatCount(t.rowsRead))} rows read = ${esc(formatCount(t.rowsAccepted))} accepted + ${esc(formatCount(t.rowsRejected))} rejected (${balance}). `
    + `Rejected rows are kept with file, line, raw text and reason in the app's database.</p>`
    + `<dl class="facts spaced">`
    + fact('Data hash', `<span class="mono small">${esc(p.dataHash ?? DASH)}</span>`)
    + fact('Analysis window', w.firstExposure ? `${esc(formatTimestamp(w.firstExposure))}<br>→ ${esc(formatTimestamp(w.dataEnd))}` : 'all units (no timestamps)')
    + fact('Filters', esc(filters))
    + fact('Control', esc(m.analysis.control))
    + fact('α · power · MDE', esc(`${s.alpha} · ${s.power} · ${formatPercent(s.mde, 1)}`))
    + fact('Minimum sample · runtime', esc(`${formatCount(s.minSamplePerVariant)} / variant · ${s.minRuntimeDays} d`))
    + fact('Analysed', `${esc(formatTimestamp(p.analysedAt))}`)
    + fact('App version', `Experiment Desk ${esc(p.appVersion)}`)
    + `</dl></section>`;
}

// ── ChangeSet and audit trail ────────────────────────────────────────────────────────────────

function armedLine(c: ReportChangeSet): string {
  const triggers = c.rollbackPlan?.autoRollbackTriggers ?? [];
  if (triggers.length === 0) return '<div class="armed off">AUTO-ROLLBACK: NONE CONFIGURED</div>';
  const drops = triggers.map((t) => t.maxRelativeDrop).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  const limit = drops.length > 0 ? `${Number((Math.min(...drops) * 100).toFixed(2))}%` : '?';
  return isAutoRollbackArmed(c)
    ? `<div class="armed">AUTO-ROLLBACK: ARMED • DEVIATION &gt; ${esc(limit)} = AUTO-KILL</div>`
    : `<div class="armed off">AUTO-ROLLBACK: NOT ARMED (${esc(c.execution.status)}) • DEVIATION &gt; ${esc(limit)}</div>`;
}

function changeSetCard(c: ReportChangeSet): string {
  const h = c.hypothesis;
  const a = c.actionPlan;
  const g = c.guardrails;
  const r = c.rollbackPlan;
  const p = c.proofPlan;
  const list = (xs: readonly string[] | undefined) => (xs && xs.length > 0 ? xs.map(esc).join('<br>') : DASH);
  const rollout = a ? `${a.rolloutStrategy ?? DASH}${a.rolloutPercentage !== undefined ? ` · ${a.rolloutPercentage}%` : ''}` : DASH;
  const changes = (a?.implementation?.changes ?? []).map((x) => `${x.target ?? ''}${x.target && x.description ? ': ' : ''}${x.description ?? ''}`);
  return `<div class="card"><div class="card-head"><span class="id">${esc(c.id)}</span>${badge(c.execution.status)}`
    + `<span class="ver">version ${esc(c.version)}${c.storeId ? ` · store ${esc(c.storeId)}` : ''}${c.approval ? ` · approval ${esc(c.approval.status)}${c.approval.approvedBy ? ` by ${esc(c.approval.approvedBy)}` : ''}` : ''}</span></div>`
    + armedLine(c)
    + `<dl class="facts three">`
    + fact('Hypothesis', h ? `${esc(h.problem)}<br><span class="muted">→ ${esc(h.expectedOutcome)} · confidence ${esc(h.confidenceLevel)}</span>` : DASH)
    + fact('Evidence', list(h?.dataEvidence))
    + fact('Action', a ? `${esc(a.type)}${a.targetSegment ? ` · ${esc(a.targetSegment)}` : ''}${a.implementation?.featureFlagKey ? `<br>flag ${esc(a.implementation.featureFlagKey)}` : ''}` : DASH)
    + fact('Changes', list(changes))
    + fact('Rollout', esc(rollout))
    + fact('Guardrails', g ? `risk ${esc(g.riskLevel ?? DASH)}${g.profitFloor !== undefined ? ` · profit floor ${esc(formatCount(g.profitFloor))} ¢/day` : ''}${(g.sloRequirements ?? []).length ? `<br>${list(g.sloRequirements)}` : ''}` : DASH)
    + fact('Rollback', r ? `${r.manualRollbackEnabled ? 'manual enabled' : 'manual disabled'}${r.estimatedRollbackTime ? ` · ${esc(r.estimatedRollbackTime)}` : ''}${r.rollbackProcedure ? `<br>${esc(r.rollbackProcedure)}` : ''}` : DASH)
    + fact('Proof plan', p ? `${esc(p.statisticalMethod ?? DASH)} · α ${esc(p.significanceThreshold ?? DASH)} · min n ${esc(formatCount(p.minimumSampleSize ?? null))}<br>${esc((p.primaryMetrics ?? []).join(', ') || DASH)}${p.measurementWindow ? ` · ${esc(p.measurementWindow)}` : ''}` : DASH)
    + fact('Execution', `${esc(c.execution.status)}${c.execution.startedAt ? `<br>started ${esc(formatTimestamp(c.execution.startedAt))}` : ''}${c.execution.endedAt ? `<br>ended ${esc(formatTimestamp(c.execution.endedAt))}` : ''}`)
    + `</dl></div>`;
}

function auditItem(e: ReportAuditEvent): string {
  const decision = e.newState === 'PROVEN' || e.newState === 'ROLLED_BACK' || e.newState === 'PERMANENT';
  const meta = Object.keys(e.metadata ?? {}).length > 0 ? `<div class="meta">${esc(JSON.stringify(e.metadata))}</div>` : '';
  return `<li${decision ? ' class="decision"' : ''} data-action="${esc(e.action)}">`
    + `<div class="when"><time datetime="${esc(e.timestamp)}">${esc(formatTimestamp(e.timestamp))}</time>${e.version !== undefined ? ` · v${esc(e.version)}` : ''} · ${esc(e.actor.type)}:${esc(e.actor.id)}</div>`
    + `<div class="what"><strong>${esc(e.action.replaceAll('_', ' ').toUpperCase())}</strong> ${e.previousState ? `${badge(e.previousState)} →` : ''} ${badge(e.newState)}</div>`
    + `${e.reason ? `<div class="why">${esc(e.reason)}</div>` : ''}${meta}</li>`;
}

function changeSet(m: DecisionReportModel): string {
  const card = m.changeSet ? changeSetCard(m.changeSet) : '<p class="muted">No ChangeSet is linked to this experiment.</p>';
  const trail = m.auditTrail.length > 0
    ? `<h3 class="spaced">Audit trail · ${m.auditTrail.length} ${m.auditTrail.length === 1 ? 'event' : 'events'}</h3><ol class="timeline" aria-label="Audit trail">${m.auditTrail.map(auditItem).join('')}</ol>`
    : (m.changeSet ? '<p class="note">The audit trail is empty.</p>' : '');
  return `<section class="changeset" aria-label="ChangeSet"><h2>ChangeSet &amp; audit trail</h2>${card}${trail}</section>`;
}

function footer(m: DecisionReportModel): string {
  return `<footer class="foot"><p>Generated by Experiment Desk ${esc(m.appVersion)} on ${esc(formatTimestamp(m.generatedAt))}, offline, from the files listed under Data provenance. `
    + `Metric definitions, variance conventions and CUPED: the app's docs/analysis-definitions.md.</p>`
    + `<p>This file is self-contained: it loads nothing from the network. The same results are available as CSV and JSON (${esc(m.schema)}).</p></footer>`;
}

/**
 * Renders the report model as one HTML document (UTF-8 text, `<!doctype html>` … `</html>`).
 * Deterministic for a given model apart from echarts' internal element ids.
 */
export function renderReportHtml(model: DecisionReportModel): string {
  const css = `
${embeddedFontCss()}
${REPORT_CSS}
`;
  const body = `<main class="page" data-report-schema="${esc(model.schema)}" data-experiment-id="${esc(model.experimentId)}">
${masthead(model)}
${title(model)}
${verdict(model)}
${keyFacts(model)}
${warnings(model)}
${metricTable(model)}
${charts(model)}
${power(model)}
${provenance(model)}
${changeSet(model)}
${footer(model)}
</main>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(reportCsp(css, body))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark light">
<meta name="generator" content="Experiment Desk ${esc(model.appVersion)}">
<title>${esc(model.title)}</title>
<style>${css}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
