/**
 * Experiments (docs/interface.md): every experiment in the database with its variants, units, dates,
 * warnings and verdict. Each name is a button (Tab reaches every row, Enter opens it).
 */
import { useEffect } from 'react';
import { ScreenHeading } from '../components/ScreenHeading.tsx';
import { VerdictBadge, WarningBadge } from '../components/Badge.tsx';
import { formatCount, formatDate } from '../../contract/number-format.ts';
import { displayName } from '../format/names.ts';
import { openExperiment } from '../store/actions/experiment.ts';
import { loadExperiments } from '../store/actions/experiments.ts';
import { useDeskStore } from '../store/store.ts';

export function ExperimentsScreen() {
  const items = useDeskStore((s) => s.experiments.items);
  const loading = useDeskStore((s) => s.experiments.loading);
  const error = useDeskStore((s) => s.experiments.error);

  useEffect(() => {
    void loadExperiments();
  }, []);

  return (
    <section className="screen">
      <div className="screen-head">
        <ScreenHeading>Experiments</ScreenHeading>
        <span className="sub mono">{items ? `${items.length} in the local database` : loading ? 'loading…' : ''}</span>
      </div>
      {error && (
        <div className="banner alert" role="alert"><span className="code">{error.code}</span><p>{error.message}</p><span /></div>
      )}
      {items && items.length === 0 && (
        <p className="empty">No experiments yet. Import files or load the sample data on the Import screen (Ctrl/⌘+1).</p>
      )}
      {items && items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Experiments">
            <thead>
              <tr>
                <th scope="col">Experiment</th>
                <th scope="col">Variants</th>
                <th scope="col" className="num">Units</th>
                <th scope="col">Dates</th>
                <th scope="col">Warnings</th>
                <th scope="col">Verdict</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.experimentId} data-experiment={item.experimentId}>
                  <th scope="row">
                    <button
                      type="button"
                      className="link"
                      aria-label={`Open ${displayName(item.experimentId)}`}
                      onClick={() => void openExperiment(item.experimentId)}
                    >
                      {displayName(item.experimentId)}
                    </button>
                    <div className="muted" style={{ fontSize: 11 }}>{item.source === 'events' ? 'event log' : 'unit table'}</div>
                  </th>
                  <td className="mono">
                    {item.variants.map((v, i) => (
                      <span key={v}>
                        {i > 0 ? ', ' : ''}
                        {displayName(v)}
                        {v === item.control ? <span className="muted"> (control)</span> : null}
                      </span>
                    ))}
                  </td>
                  <td className="num" data-field="units" data-value={String(item.units)}>{formatCount(item.units)}</td>
                  <td className="mono" style={{ whiteSpace: 'nowrap' }}>
                    {formatDate(item.firstExposure)} → {formatDate(item.dataEnd)}
                  </td>
                  <td>
                    {item.warnings.length === 0
                      ? <span className="muted">none</span>
                      : <span className="badges">{[...new Set(item.warnings)].map((w) => <WarningBadge key={w} code={w} />)}</span>}
                  </td>
                  <td><VerdictBadge status={item.verdict} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
