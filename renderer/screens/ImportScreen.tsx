/**
 * Import (docs/interface.md): the drop zone ("Open files…"), sample data, progress with rows/s and cancel,
 * the import summary per file with its row accounting, and the rejected rows.
 */
import { useShallow } from 'zustand/react/shallow';
import type { ImportSummary } from '../../contract/import.ts';
import { ScreenHeading } from '../components/ScreenHeading.tsx';
import { ArrowTable } from '../components/ArrowTable.tsx';
import { formatCount, formatMegabytes } from '../../contract/number-format.ts';
import { displayFileName, displayName, displayNames } from '../format/names.ts';
import { accountingText, progressPercent, progressText } from '../format/progress.ts';
import { openFiles } from '../store/actions/host-events.ts';
import {
  CANCELLED_MESSAGE, cancelImport, dismissImportError, loadRowPreview, loadSampleData,
} from '../store/actions/import.ts';
import { navigate } from '../store/actions/navigation.ts';
import { useDeskStore } from '../store/store.ts';

export function ImportScreen({ dragging }: { dragging: boolean }) {
  const firstRun = useDeskStore((s) => s.experiments.items !== null && s.experiments.items.length === 0);
  const status = useDeskStore((s) => s.importer.status);
  const busy = status === 'uploading' || status === 'running';

  return (
    <section className="screen" aria-labelledby="import-title">
      <div className="screen-head">
        <ScreenHeading><span id="import-title">Import</span></ScreenHeading>
        <span className="sub">CSV (any delimiter, gzip) · NDJSON · Parquet · Arrow IPC — event logs or unit tables</span>
      </div>
      {firstRun && (
        <div className="intro">
          <p><strong>No experiments yet.</strong> Open an exported event log or unit table, or load the sample data
          to see an analysed experiment right away. Everything stays on this machine.</p>
        </div>
      )}
      <div className={`import-actions${firstRun ? ' first-run' : ' compact'}`}>
        <div className={`zone-cell${dragging ? ' dragging' : ''}`}>
          <button
            type="button"
            className="dropzone"
            aria-describedby="drop-hint"
            aria-keyshortcuts="Control+O Meta+O"
            disabled={busy}
            onClick={() => void openFiles()}
          >
            Open files…
          </button>
          <p className="zone-hint" id="drop-hint">
            {dragging ? 'Drop to import' : 'or drop files anywhere in the window · Ctrl/⌘+O'}
          </p>
        </div>
        <div className={`zone-cell${firstRun ? ' primary' : ''}`}>
          <button
            type="button"
            className="sample-button"
            aria-describedby="sample-hint"
            disabled={busy}
            onClick={() => void loadSampleData()}
          >
            Load sample data
          </button>
          <p className="zone-hint" id="sample-hint">two simulated experiments, ~250k events</p>
        </div>
      </div>
      <ImportError />
      <ImportProgressPanel />
      {status === 'cancelled' && (
        <div className="banner info" role="status"><span className="code">cancelled</span><p>{CANCELLED_MESSAGE}</p><span /></div>
      )}
      <ImportSummaries />
    </section>
  );
}

function ImportError() {
  const error = useDeskStore((s) => s.importer.error);
  if (!error) return null;
  return (
    <div className="banner alert" role="alert">
      <span className="code">{error.code}</span>
      <p>{error.message}</p>
      <button type="button" className="quiet" onClick={dismissImportError}>Dismiss</button>
    </div>
  );
}

function ImportProgressPanel() {
  const { status, progress, fileNames, cancelRequested } = useDeskStore(useShallow((s) => ({
    status: s.importer.status,
    progress: s.importer.progress,
    fileNames: s.importer.fileNames,
    cancelRequested: s.importer.cancelRequested,
  })));
  if (status !== 'uploading' && status !== 'running') return null;
  const percent = progress ? progressPercent(progress) : 0;
  const line = progress ? progressText(progress) : status === 'uploading' ? 'uploading · sending files to the local host' : 'starting…';
  const fileLine = progress
    ? `file ${progress.fileIndex + 1} of ${progress.fileCount} · ${displayFileName(progress.path)}`
    : displayNames(fileNames);
  return (
    <div className="block progress">
      <div className="block-head">
        <h2>Importing</h2>
        <button type="button" onClick={() => void cancelImport()} disabled={cancelRequested}>
          Cancel import
        </button>
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}% · ${line}`}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <div className="progress-line">
        <span data-testid="import-progress-text">{line}</span>
        <span className="muted">{cancelRequested ? 'cancelling…' : fileLine}</span>
      </div>
    </div>
  );
}

function ImportSummaries() {
  const { summaries, status, sample } = useDeskStore(useShallow((s) => ({
    summaries: s.importer.summaries, status: s.importer.status, sample: s.importer.sample,
  })));
  if (status !== 'done' || summaries.length === 0) return null;
  return (
    <>
      <div className="block block-head">
        <h2>{sample ? 'Sample data imported' : `Imported ${summaries.length} ${summaries.length === 1 ? 'file' : 'files'}`}</h2>
        <button type="button" className="primary" onClick={() => navigate('experiments')}>Open experiments</button>
      </div>
      {summaries.map((summary, index) => <SummarySection key={`${summary.sha256}-${index}`} summary={summary} />)}
    </>
  );
}

function SummarySection({ summary }: { summary: ImportSummary }) {
  const name = displayFileName(summary.path);
  const reasons = Object.entries(summary.rejectsByReason).filter(([, n]) => n > 0);
  return (
    <section className="summary" aria-label="Import summary">
      <div className="summary-head">
        <h3 className="mono">{name}</h3>
        <span className="summary-meta">
          {summary.format} · {summary.shape ?? 'unknown shape'} · {formatMegabytes(summary.bytes)} MB · {summary.seconds.toFixed(1)} s
          {summary.fileId !== null ? ` · file #${summary.fileId}` : ''}
        </span>
      </div>
      <p className="accounting" data-rows-read={summary.rowsRead} data-rows-accepted={summary.rowsAccepted} data-rows-rejected={summary.rowsRejected}>
        {accountingText(summary)}
      </p>
      <div className="notes">
        {summary.duplicateOf !== null && (
          <p>This file was already imported (file #{summary.duplicateOf}) — nothing was changed.</p>
        )}
        {summary.zonelessTimestamps > 0 && (
          <p>
            {formatCount(summary.zonelessTimestamps)} {summary.zonelessTimestamps === 1 ? 'timestamp has' : 'timestamps have'} no
            time zone and {summary.zonelessTimestamps === 1 ? 'was' : 'were'} read as UTC.
          </p>
        )}
        {reasons.length > 0 && (
          <p>
            Rejected by reason:{' '}
            {reasons.map(([reason, n], i) => (
              <span key={reason} className="mono">{i > 0 ? ', ' : ''}{reason} {formatCount(n)}</span>
            ))}
          </p>
        )}
      </div>
      {summary.fileId !== null && summary.duplicateOf === null && summary.shape !== null && (
        <RowPreview fileId={summary.fileId} table={summary.shape === 'unit_table' ? 'unit_rows' : 'events'} name={name} />
      )}
      {summary.rowsRejected > 0 && summary.fileId !== null && <RejectsTable fileId={summary.fileId} />}
    </section>
  );
}

function RejectsTable({ fileId }: { fileId: number }) {
  const state = useDeskStore((s) => s.importer.rejects[fileId]);
  if (!state || state.status === 'loading') return <p className="loading-state">Loading rejected rows…</p>;
  if (state.status === 'error') return <p className="form-error" role="alert">Rejected rows: {state.error.message}</p>;
  const { page } = state;
  return (
    <>
      <p className="notes muted">
        Showing {formatCount(page.rows.length)} of {formatCount(page.total)} rejected {page.total === 1 ? 'row' : 'rows'}.
      </p>
      <div className="table-wrap">
        <table aria-label="Rejected rows" className="dense">
          <thead>
            <tr><th scope="col" className="num">Line</th><th scope="col">Reason</th><th scope="col">Detail</th><th scope="col">Raw</th></tr>
          </thead>
          <tbody>
            {page.rows.slice(0, 200).map((row, i) => (
              <tr key={`${row.line ?? 'x'}-${i}`}>
                <td className="num">{row.line === null ? '—' : String(row.line)}</td>
                <td className="mono">{displayName(row.reason)}</td>
                <td>{row.detail === null ? '—' : displayName(row.detail)}</td>
                <td className="raw" title={row.raw === null ? undefined : displayName(row.raw)}>{row.raw === null ? '—' : displayName(row.raw)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function RowPreview({ fileId, table, name }: { fileId: number; table: 'events' | 'unit_rows'; name: string }) {
  const state = useDeskStore((s) => s.importer.rowPreviews[fileId]);
  if (!state) {
    return (
      <div className="summary-actions">
        <button type="button" className="quiet" onClick={() => void loadRowPreview(fileId, table)} aria-label={`Preview rows of ${name}`}>
          Preview rows
        </button>
      </div>
    );
  }
  if (state.status === 'loading') return <p className="loading-state">Loading rows…</p>;
  if (state.status === 'error') return <p className="form-error" role="alert">Row preview: {state.error.message}</p>;
  return (
    <div className="table-wrap">
      <ArrowTable table={state.table} label={`First rows of ${name}`} maxRows={100} />
    </div>
  );
}
