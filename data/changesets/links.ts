/**
 * Which ChangeSet an experiment's decisions go to (docs/changesets.md): a link made by hand in the app
 * (table `experiment_links`) wins; otherwise the ChangeSet whose
 * `actionPlan.implementation.featureFlagKey` equals the experiment id.
 */
import type { ChangeSet } from '../../contract/changesets/schemas.ts';
import type { ExperimentLinkView } from '../../contract/changesets/decisions.ts';
import type { Database } from '../database.ts';
import { direct, type Exclusive } from './exclusive.ts';

export interface ExperimentLinks {
  /** The manual link of an experiment, or null. */
  manual(experimentId: string): Promise<string | null>;
  /** Sets (or with null removes) the manual link. */
  set(experimentId: string, changesetId: string | null): Promise<void>;
  /** Every manual link: experiment id → ChangeSet id. */
  all(): Promise<Map<string, string>>;
}

/** Manual links in `db`'s `experiment_links` table (migration 2). */
export function experimentLinks(db: Database, exclusive: Exclusive = direct): ExperimentLinks {
  return {
    manual: (experimentId) => exclusive(async () => {
      const rows = await db.query<{ changeset_id: string }>('SELECT changeset_id FROM experiment_links WHERE experiment_id = $e', { e: experimentId });
      return rows[0]?.changeset_id ?? null;
    }),
    set: (experimentId, changesetId) => exclusive(async () => {
      if (changesetId === null) await db.run('DELETE FROM experiment_links WHERE experiment_id = $e', { e: experimentId });
      else await db.run('INSERT OR REPLACE INTO experiment_links (experiment_id, changeset_id) VALUES ($e, $c)', { e: experimentId, c: changesetId });
    }),
    all: () => exclusive(async () => {
      const rows = await db.query<{ experiment_id: string; changeset_id: string }>('SELECT experiment_id, changeset_id FROM experiment_links');
      return new Map(rows.map((r) => [r.experiment_id, r.changeset_id]));
    }),
  };
}

/**
 * Resolves an experiment's link: the manual one if set, else the single ChangeSet of `known`
 * whose featureFlagKey equals the experiment id (several matches: one in MEASURING — where a
 * decision can be taken — before others, then the newest by `createdAt`).
 */
export function resolveLink(experimentId: string, manual: string | null, known: readonly ChangeSet[]): ExperimentLinkView {
  if (manual) return { experimentId, changesetId: manual, source: 'manual' };
  const matches = known
    .filter((c) => c.actionPlan.implementation.featureFlagKey === experimentId)
    .sort((a, b) => Number(b.execution.status === 'MEASURING') - Number(a.execution.status === 'MEASURING') || b.createdAt.localeCompare(a.createdAt));
  return matches[0]
    ? { experimentId, changesetId: matches[0].id, source: 'feature_flag' }
    : { experimentId, changesetId: null, source: null };
}
