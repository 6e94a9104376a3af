/**
 * The export dialog (docs/reports.md, docs/interface.md): the open experiment's decision report as HTML, PDF, CSV, JSON
 * or the audit trail as CSV, computed with the filters on screen, then saved through the host
 * (Electron's save dialog, a download in a browser). Opened by the experiment screen's "Export
 * report" button and by File → Export… (Ctrl/Cmd+E). Modal like the mapping dialog: focus moves
 * in, Tab wraps, Escape closes, focus returns where it was.
 */
import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import { REPORT_FORMAT_LABELS, REPORT_FORMATS } from '../../contract/report-export.ts';
import { chooseReportFormat, closeReportExport, exportReport } from '../store/actions/report.ts';
import { useDeskStore } from '../store/store.ts';
import { handleDialogKeys } from '../components/dialog-keys.ts';

export function ExportDialog() {
  const open = useDeskStore((s) => s.reportExport.open);
  if (!open) return null;
  return <ExportForm />;
}

function ExportForm() {
  const format = useDeskStore((s) => s.reportExport.format);
  const status = useDeskStore((s) => s.reportExport.status);
  const error = useDeskStore((s) => s.reportExport.error);
  const experimentId = useDeskStore((s) => (s.navigation.screen === 'experiment' ? s.experiment.experimentId : null));
  const ref = useRef<HTMLDivElement>(null);
  const id = useId();
  const busy = status === 'exporting';

  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.querySelector<HTMLElement>('input:checked, button')?.focus();
    return () => {
      requestAnimationFrame(() => {
        const usable = (el: HTMLElement | null): el is HTMLElement => !!el && el.isConnected && el !== document.body;
        [before, document.querySelector<HTMLElement>('main h1')].find(usable)?.focus();
      });
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => handleDialogKeys(event, ref.current, closeReportExport);

  return (
    <div className="backdrop">
      <div
        ref={ref}
        className="dialog export-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
        aria-busy={busy}
        onKeyDown={onKeyDown}
      >
        <div className="dialog-head">
          <h2 id={`${id}-title`}>Export report</h2>
          <span className="mono muted">{experimentId ?? 'no experiment open'}</span>
        </div>
        <p className="dialog-note" id={`${id}-desc`}>
          {experimentId
            ? 'The decision report of this experiment, with the filters, α and CUPED setting on screen: verdict, metric table, charts, power, data provenance, ChangeSet and audit trail.'
            : 'Open an experiment first: the report is about the experiment on screen.'}
        </p>
        <fieldset disabled={busy || !experimentId}>
          <legend>Format</legend>
          <div className="format-choices" role="radiogroup" aria-label="Report format">
            {REPORT_FORMATS.map((f) => (
              <label key={f} className="format-choice">
                <input type="radio" name={`${id}-format`} value={f} checked={format === f} onChange={() => chooseReportFormat(f)} />
                <span className="mono">{f.toUpperCase()}</span>
                <span className="muted">{REPORT_FORMAT_LABELS[f]}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {error && (
          <p className="form-error" role="alert"><span className="mono">{error.code}</span> {error.message}</p>
        )}
        <div className="dialog-actions">
          <span className="busy-note" aria-live="polite">{busy ? (format === 'pdf' ? 'printing the PDF…' : 'rendering…') : ''}</span>
          <button type="button" className="quiet" onClick={closeReportExport} disabled={busy}>Cancel</button>
          <button type="button" className="primary" onClick={() => void exportReport()} disabled={busy || !experimentId}>
            Export {format.toUpperCase()}
          </button>
        </div>
      </div>
    </div>
  );
}
