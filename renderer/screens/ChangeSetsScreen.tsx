/**
 * ChangeSets (docs/changesets.md, docs/interface.md): the Profit Engine's ChangeSets — live from the API, or the local copy
 * when it is unreachable (with when it was fetched) — filtered by status, with a status badge per
 * row; the selected ChangeSet's detail and timeline; and the outbox of decisions.
 */
import { useEffect, useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isAutoRollbackArmed } from '../../contract/changesets/lifecycle.ts';
import type { ChangeSetListView } from '../../contract/changesets/decisions.ts';
import type { ChangeSetStatus } from '../../contract/changesets/schemas.ts';
import { ChangeSetStatusBadge } from '../components/ChangeSetBadges.tsx';
import { ScreenHeading } from '../components/ScreenHeading.tsx';
import { CHANGESET_STATUS_ORDER, formatDateTime, statusLabel } from '../format/changesets.ts';
import { displayName } from '../format/names.ts';
import { formatDate } from '../../contract/number-format.ts';
import { filterChangeSets, loadMoreChangeSets, refreshChangeSets, selectChangeSet } from '../store/actions/changesets.ts';
import { useDeskStore } from '../store/store.ts';
import { ChangeSetDetail } from './ChangeSetDetail.tsx';
import { OutboxPanel } from './OutboxPanel.tsx';

export function ChangeSetsScreen() {
  const { list, loading, error } = useDeskStore(useShallow((s) => ({ list: s.changesets.list, loading: s.changesets.loading, error: s.changesets.error })));

  useEffect(() => {
    void refreshChangeSets();
  }, []);

  return (
    <section className="screen changesets-screen" aria-busy={loading}>
      <div className="screen-head">
        <ScreenHeading>ChangeSets</ScreenHeading>
        {list && <SourceIndicator view={list} />}
        <button type="button" className="quiet push-right" onClick={() => void refreshChangeSets()} disabled={loading}>Refresh</button>
      </div>
      {error && <div className="banner alert" role="alert"><span className="code">{error.code}</span><p>{error.message}</p><span /></div>}
      <div className="changesets-grid">
        <ChangeSetList />
        <ChangeSetDetail />
      </div>
      <OutboxPanel />
    </section>
  );
}

/** Where the list came from: the live API, or the offline copy with its age and the reason. */
function SourceIndicator({ view }: { view: ChangeSetListView }) {
  return (
    <span className={`source ${view.source}`} role="status" data-source={view.source}>
      <span className="source-mark">{view.source === 'api' ? 'LIVE API' : 'OFFLINE CACHE'}</span>
      <span className="mono">
        {view.fetchedAt ? `fetched ${formatDateTime(view.fetchedAt)}` : 'never fetched'}
        {view.offlineReason ? ` · ${view.offlineReason}` : ''}
      </span>
    </span>
  );
}

function StatusFilter() {
  const status = useDeskStore((s) => s.changesets.statusFilter);
  const id = useId();
  return (
    <div className="controls cs-filter" role="group" aria-label="ChangeSet filters">
      <div className="control">
        <label htmlFor={id}>Status</label>
        <select id={id} value={status ?? ''} onChange={(e) => void filterChangeSets((e.target.value || null) as ChangeSetStatus | null)}>
          <option value="">(all statuses)</option>
          {CHANGESET_STATUS_ORDER.map((s) => <option key={s} value={s}>{statusLabel(s)}</option>)}
        </select>
      </div>
    </div>
  );
}

function ChangeSetList() {
  const { list, loading, selectedId } = useDeskStore(useShallow((s) => ({ list: s.changesets.list, loading: s.changesets.loading, selectedId: s.changesets.selectedId })));
  if (!list) return <div className="cs-list"><StatusFilter /><p className="loading-state">{loading ? 'Loading ChangeSets…' : ''}</p></div>;
  return (
    <div className="cs-list">
      <StatusFilter />
      {list.items.length === 0 ? (
        <p className="empty">
          {list.source === 'cache' ? 'No ChangeSet in the local copy. ' : 'No ChangeSet matches. '}
          {list.offlineReason ? `The API is not in use: ${list.offlineReason}. Set its base URL and token in Settings (Ctrl/⌘+3).` : ''}
        </p>
      ) : (
        <div className="table-wrap">
          <table aria-label="ChangeSets" className="dense">
            <thead>
              <tr>
                <th scope="col">ChangeSet</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">Version</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((c) => (
                <tr key={c.id} data-changeset={c.id} className={c.id === selectedId ? 'selected' : undefined}>
                  <th scope="row">
                    <button type="button" className="link" aria-label={`Show ${displayName(c.id)}`} aria-current={c.id === selectedId ? 'true' : undefined}
                      onClick={() => void selectChangeSet(c.id)}>
                      {displayName(c.id)}
                    </button>
                    <p className="cs-row-problem">{displayName(c.hypothesis.problem)}</p>
                    <p className="cs-row-flag mono">flag {displayName(c.actionPlan.implementation.featureFlagKey) || '—'} · {c.actionPlan.type.replace(/_/g, ' ')}</p>
                  </th>
                  <td>
                    <span className="badges">
                      <ChangeSetStatusBadge status={c.execution.status} />
                      {isAutoRollbackArmed(c) && <span className="badge armed">armed</span>}
                    </span>
                  </td>
                  <td className="num">{c.version}</td>
                  <td className="mono nowrap">{formatDate(c.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.nextCursor && (
        <div className="form-actions">
          <button type="button" className="quiet" onClick={() => void loadMoreChangeSets()} disabled={loading}>Load more</button>
        </div>
      )}
    </div>
  );
}
