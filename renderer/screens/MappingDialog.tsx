/**
 * The mapping dialog (docs/analysis-definitions.md, docs/interface.md): shown when `importFiles` answers `mapping_required`. It
 * shows the header and the first rows, pre-fills every choice from the importer's guess, and
 * imports the same files again with the chosen mapping. Modal: focus moves in on open, stays
 * inside (Tab wraps), Escape cancels, and focus returns where it was on close.
 */
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { FilePreview } from '../../contract/desk-api.ts';
import type { MappingOptions } from '../../contract/mapping.ts';
import { displayName } from '../format/names.ts';
import { closeMapping, submitMapping } from '../store/actions/import.ts';
import { useDeskStore } from '../store/store.ts';
import { handleDialogKeys } from '../components/dialog-keys.ts';

const PREVIEW_ROWS = 8;

interface Draft {
  unit: string;
  variant: string;
  timestamp: string;
  experiment: string;
  control: string;
  metrics: string[];
  covariates: Record<string, string>;
}

function draftFrom(preview: FilePreview): Draft {
  const g = preview.guess;
  return {
    unit: g.unit ?? '',
    variant: g.variant ?? '',
    timestamp: g.timestamp ?? '',
    experiment: g.experiment ?? '',
    control: g.control ?? '',
    metrics: [...(g.metrics ?? [])],
    covariates: { ...(g.covariates ?? {}) },
  };
}

/** The dialog's choices as the `mapping` of `importFiles` (empty choices are left out). */
export function mappingFromDraft(draft: Draft): MappingOptions {
  const out: { -readonly [K in keyof MappingOptions]: MappingOptions[K] } = {};
  if (draft.unit) out.unit = draft.unit;
  if (draft.variant) out.variant = draft.variant;
  if (draft.timestamp) out.timestamp = draft.timestamp;
  if (draft.experiment) out.experiment = draft.experiment;
  if (draft.control) out.control = draft.control;
  if (draft.metrics.length > 0) out.metrics = [...draft.metrics];
  const covariates = Object.fromEntries(
    Object.entries(draft.covariates).filter(([metric, column]) => column && draft.metrics.includes(metric)),
  );
  if (Object.keys(covariates).length > 0) out.covariates = covariates;
  return out;
}

export function MappingDialog() {
  const dialog = useDeskStore((s) => s.importer.mapping);
  if (!dialog) return null;
  // Keyed by the preview: a new file gets a fresh form.
  return <MappingForm key={`${dialog.preview.name}:${dialog.preview.header.join('\u0001')}`} preview={dialog.preview} fileCount={dialog.files.length} />;
}

function MappingForm({ preview, fileCount }: { preview: FilePreview; fileCount: number }) {
  const [draft, setDraft] = useState<Draft>(() => draftFrom(preview));
  const [problem, setProblem] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const id = useId();
  const titleId = `${id}-title`;

  // Focus in on open; back on close.
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.querySelector<HTMLElement>('select, input, button')?.focus();
    return () => {
      // After the dialog unmounts the frame is no longer inert: focus on the next frame, on the
      // element that had it, or (when that one is gone or disabled by the import that started)
      // on the drop zone or the screen heading.
      requestAnimationFrame(() => {
        const usable = (el: HTMLElement | null): el is HTMLElement =>
          !!el && el.isConnected && el !== document.body && !(el as HTMLButtonElement).disabled;
        const target = [before, document.querySelector<HTMLElement>('button.dropzone'), document.querySelector<HTMLElement>('main h1')].find(usable);
        target?.focus();
      });
    };
  }, []);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setProblem(null);
    setDraft((d) => ({ ...d, [key]: value }));
  };

  const roles = new Set([draft.unit, draft.variant, draft.timestamp, draft.experiment].filter(Boolean));
  const metricCandidates = preview.header.filter((c) => !roles.has(c));

  const toggleMetric = (column: string, checked: boolean) => {
    setProblem(null);
    setDraft((d) => ({
      ...d,
      metrics: checked ? [...d.metrics.filter((m) => m !== column), column] : d.metrics.filter((m) => m !== column),
    }));
  };

  const submit = () => {
    if (!draft.variant) {
      setProblem('Choose the variant column.');
      return;
    }
    void submitMapping(mappingFromDraft({ ...draft, metrics: draft.metrics.filter((m) => !roles.has(m)) }));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => handleDialogKeys(event, ref.current, closeMapping);

  // The host lists the values of the column it guessed; for another column, the preview rows'.
  const variantValues = useMemo(() => {
    if (!draft.variant || draft.variant === preview.guess.variant) return preview.variantValues;
    const index = preview.header.indexOf(draft.variant);
    const values = new Set<string>();
    for (const row of preview.rows) {
      const value = row[index];
      if (value !== null && value !== undefined && value !== '') values.add(value);
    }
    return [...values].sort();
  }, [draft.variant, preview]);

  const chosen = new Set([...roles, ...draft.metrics]);
  const columnOptions = preview.header.map((c) => <option key={c} value={c}>{displayName(c)}</option>);

  return (
    <div className="backdrop">
      <div ref={ref} className="dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} onKeyDown={onKeyDown}>
        <div className="dialog-head">
          <h2 id={titleId}>Map columns</h2>
          <span className="mono muted">
            {displayName(preview.name)}{fileCount > 1 ? ` (+${fileCount - 1} more ${fileCount === 2 ? 'file' : 'files'})` : ''} · {preview.header.length} columns
          </span>
        </div>
        <div className="intro">
          <p>The header is not a known export. Say which column is the unit, the variant and the metrics; the mapping
          is saved for the next file with the same header.</p>
        </div>
        <div className="preview" tabIndex={0} aria-label="File preview">
          <table aria-label="First rows of the file" className="dense">
            <thead>
              <tr>{preview.header.map((c) => <th scope="col" key={c} className={chosen.has(c) ? 'chosen' : undefined}>{c}</th>)}</tr>
            </thead>
            <tbody>
              {preview.rows.slice(0, PREVIEW_ROWS).map((row, r) => (
                <tr key={r}>{preview.header.map((_, c) => <td key={c}>{row[c] ?? ''}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={`${id}-unit`}>Unit column</label>
            <select id={`${id}-unit`} value={draft.unit} onChange={(e) => set('unit', e.target.value)}>
              <option value="">(none — each row is a unit)</option>
              {columnOptions}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-variant`}>Variant column</label>
            <select id={`${id}-variant`} value={draft.variant} onChange={(e) => {
                const variant = e.target.value;
                setProblem(null);
                // Another column has other values: the control choice starts over.
                setDraft((d) => ({ ...d, variant, control: variant === d.variant ? d.control : '' }));
              }} aria-required="true">
              {!draft.variant && <option value="">(choose a column)</option>}
              {columnOptions}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-timestamp`}>Timestamp column</label>
            <select id={`${id}-timestamp`} value={draft.timestamp} onChange={(e) => set('timestamp', e.target.value)}>
              <option value="">(none)</option>
              {columnOptions}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-experiment`}>Experiment column</label>
            <select id={`${id}-experiment`} value={draft.experiment} onChange={(e) => set('experiment', e.target.value)}>
              <option value="">(none)</option>
              {columnOptions}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-control`}>Control variant</label>
            <select id={`${id}-control`} value={draft.control} onChange={(e) => set('control', e.target.value)} aria-describedby={`${id}-control-hint`}>
              <option value="">(automatic)</option>
              {variantValues.map((v) => <option key={v} value={v}>{v}</option>)}
              {draft.control && !variantValues.includes(draft.control) && <option value={draft.control}>{draft.control}</option>}
            </select>
            <span className="hint" id={`${id}-control-hint`}>values of {draft.variant || 'the variant column'}</span>
          </div>
        </div>
        <fieldset aria-describedby={`${id}-metrics-hint`}>
          <legend>Metric columns</legend>
          <p className="hint fieldset-hint" id={`${id}-metrics-hint`}>
            Metrics are analysed in the order they were checked; the first is the primary metric (verdict, power).
            None checked: every numeric column.
          </p>
          <div className="metric-choices">
            {metricCandidates.map((column) => {
              const order = draft.metrics.filter((m) => !roles.has(m)).indexOf(column);
              const checked = order >= 0;
              return (
                <div className="metric-choice" key={column}>
                  <div className="check-row">
                    <label className="check">
                      <input type="checkbox" value={column} checked={checked} onChange={(e) => toggleMetric(column, e.target.checked)} />
                      {displayName(column)}
                    </label>
                    {checked && <span className="badge tag" aria-hidden="true">{order === 0 ? '1 · primary' : order + 1}</span>}
                  </div>
                  {checked && (
                    <div className="cov">
                      <label htmlFor={`${id}-cov-${column}`}>{`CUPED covariate for ${displayName(column)}`}</label>
                      <select
                        id={`${id}-cov-${column}`}
                        value={draft.covariates[column] ?? ''}
                        onChange={(e) => set('covariates', { ...draft.covariates, [column]: e.target.value })}
                      >
                        <option value="">(none)</option>
                        {preview.header.filter((c) => c !== column).map((c) => <option key={c} value={c}>{c}</option>)}
                      </select>
                    </div>
                  )}
                </div>
              );
            })}
          </div>
        </fieldset>
        {problem && <p className="form-error" role="alert">{problem}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={closeMapping}>Cancel</button>
          <button type="button" className="primary" onClick={submit}>Import</button>
        </div>
      </div>
    </div>
  );
}
