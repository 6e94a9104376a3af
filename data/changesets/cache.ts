/**
 * The local copy of ChangeSets last seen from the API (table `changeset_cache`), so that the
 * ChangeSets screen, linking and decisions work offline (docs/changesets.md "Offline"). A copy is replaced
 * only by one of the same or a newer version.
 */
import type { ChangeSet, ChangeSetStatus } from '../../contract/changesets/schemas.ts';
import { changeSetSchema } from '../../contract/changesets/schemas.ts';
import type { Database } from '../database.ts';
import { direct, isoValue, jsonValue, type Exclusive } from './exclusive.ts';

export interface CachedChangeSet {
  readonly changeset: ChangeSet;
  /** UTC ISO-8601. */
  readonly fetchedAt: string;
}

export interface ChangeSetCache {
  /** Stores copies fetched at `fetchedAt`; older versions than the cached one are ignored. */
  put(changesets: readonly ChangeSet[], fetchedAt?: Date): Promise<void>;
  get(id: string): Promise<CachedChangeSet | null>;
  /** Every cached ChangeSet (optionally of one state), oldest first by creation. */
  list(status?: ChangeSetStatus): Promise<CachedChangeSet[]>;
}

/** The cache in `db`'s `changeset_cache` table (migration 2). */
export function changeSetCache(db: Database, exclusive: Exclusive = direct): ChangeSetCache {
  const read = (row: Record<string, unknown>): CachedChangeSet | null => {
    const parsed = changeSetSchema.safeParse(jsonValue(row.body));
    return parsed.success ? { changeset: parsed.data, fetchedAt: isoValue(row.fetched_at)! } : null;
  };
  return {
    put: (changesets, fetchedAt = new Date()) => exclusive(async () => {
      for (const changeset of changesets) {
        const current = await db.query<{ version: number }>('SELECT max(version) AS version FROM changeset_cache WHERE changeset_id = $id', { id: changeset.id });
        const cachedVersion = current[0]?.version ?? null;
        if (cachedVersion !== null && cachedVersion > changeset.version) continue;
        await db.transaction(async () => {
          await db.run('DELETE FROM changeset_cache WHERE changeset_id = $id', { id: changeset.id });
          await db.run('INSERT INTO changeset_cache VALUES ($id, $version, $status, $flag, $body, $at)', {
            id: changeset.id,
            version: changeset.version,
            status: changeset.execution.status,
            flag: changeset.actionPlan.implementation.featureFlagKey ?? null,
            body: JSON.stringify(changeset),
            at: fetchedAt.toISOString(),
          });
        });
      }
    }),
    get: (id) => exclusive(async () => {
      const rows = await db.query('SELECT body, fetched_at FROM changeset_cache WHERE changeset_id = $id', { id });
      return rows[0] ? read(rows[0]) : null;
    }),
    list: (status) => exclusive(async () => {
      const rows = await db.query(
        `SELECT body, fetched_at FROM changeset_cache WHERE $status IS NULL OR status = $status
         ORDER BY json_extract_string(body, '$.createdAt'), changeset_id`, { status: status ?? null });
      return rows.map(read).filter((c): c is CachedChangeSet => c !== null);
    }),
  };
}
