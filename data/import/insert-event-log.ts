/**
 * An event log from its staged relation (`stage.ts`, any input format) into `events` and
 * `rejects` (docs/import.md, "Validation"; reason codes in docs/analysis-definitions.md).
 *
 * Deleting or updating rows of `events` inside the import's transaction would make DuckDB rewrite
 * everything it has already written at commit, so rows are only ever inserted: before the
 * transaction, one validation pass (DuckDB computes only what the reasons need) collects the rows
 * read, the zone-less timestamps, the accepted exposures (for the assignments) and the records
 * that are not events — rejected, or a record identical to an earlier one (`duplicate_event`:
 * the same text as written; found by grouping records by hash, so only the few repeated ones are
 * compared); inside it, those become rejects and a second pass inserts every other record.
 * Every pass streams the staged relation: memory does not grow with the file.
 */
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import { toNumber, type Database } from '../database.ts';
import type { EventLogMapping } from './mapping.ts';
import { zonelessFromTextSql } from './sql-parsers.ts';
import type { StagedSource } from './staged-source.ts';
import { checkedEventsSql, type EventNames, type ValidationCounts } from './validate-events.ts';

/** What {@link prepareEventLog} found, for {@link insertEventLog}. */
export interface PreparedEventLog extends ValidationCounts {
  readonly rowsRead: number;
  /** Records that are not events (rejected or duplicate), in `stage_skipped`. */
  readonly skipped: number;
  /** Duplicate records, in `stage_dups`. */
  readonly duplicates: number;
  readonly source: StagedSource;
  readonly mapping: EventLogMapping;
  readonly checked: (only?: string) => string;
  readonly params: Record<string, DuckDBValue>;
}

/**
 * Validates the event log of `source` (see the module comment), before the import's transaction:
 * counts the records read and the zone-less timestamps of accepted rows, and fills the temp tables
 * `stage_dups` (copies of an earlier record), `stage_skipped` (records that are not events) and
 * `stage_exposures` (the accepted exposure events, for the assignments). With `trim` false the
 * caller knows that no field has surrounding blanks (trimming is skipped).
 */
export async function prepareEventLog(
  db: Database,
  source: StagedSource,
  mapping: EventLogMapping,
  names: EventNames,
  trim = true,
): Promise<PreparedEventLog> {
  const params: Record<string, DuckDBValue> = { ...source.params, exposure: listValue([...names.exposure]) };
  // Records that repeat an earlier record: grouped by hash, then compared. The same pass counts
  // the records (the empty grouping set): the rows read.
  await db.run(`
    CREATE OR REPLACE TEMP TABLE stage_line_hashes AS
    SELECT hash(__raw) AS h, count(*) AS copies, grouping(hash(__raw)) = 1 AS total
    FROM ${source.relation()}
    GROUP BY GROUPING SETS ((hash(__raw)), ())
    HAVING count(*) > 1 OR grouping(hash(__raw)) = 1`, source.params);
  await db.run(`
    CREATE OR REPLACE TEMP TABLE stage_dups AS
    SELECT __line AS line FROM (
      SELECT __line, row_number() OVER (PARTITION BY __raw ORDER BY __line) AS copy_no
      FROM ${source.relation()}
      WHERE hash(__raw) IN (SELECT h FROM stage_line_hashes WHERE NOT total)
    ) WHERE copy_no > 1`, source.params);
  const rowsRead = toNumber((await db.query<{ n: bigint }>('SELECT coalesce(max(copies) FILTER (WHERE total), 0) AS n FROM stage_line_hashes'))[0]!.n)!;
  const duplicates = toNumber((await db.query<{ n: bigint }>('SELECT count(*) AS n FROM stage_dups'))[0]!.n)!;

  // The source's problems (wrong column count, malformed quoting) come before the field checks.
  const checked = (only?: string): string => `(SELECT * REPLACE (coalesce(__problem, reason) AS reason, CASE WHEN __problem IS NOT NULL THEN __detail ELSE detail END AS detail)
      FROM (${checkedEventsSql(mapping, source.header, source.relation(only), { duplicates: false, passThrough: ['__problem', '__detail'], trim })}))`;

  // One validation pass (DuckDB computes just what is selected) keeps the records that need more
  // than an insert: rejected, duplicate, zone-less, or an accepted exposure (for the assignments).
  await db.run(`
    CREATE OR REPLACE TEMP TABLE stage_flags AS
    SELECT c.__line AS line, c.reason, d.line IS NOT NULL AS duplicate, ${zonelessFromTextSql('c.ts_text')} AS zoneless,
      c.experiment_id, c.user_id, c.variant_id, c.ts, c.user_segment,
      c.reason IS NULL AND list_contains($exposure, c.event_name) AND c.experiment_id IS NOT NULL AND c.variant_id IS NOT NULL AS exposure
    FROM ${checked()} c LEFT JOIN stage_dups d ON d.line = c.__line
    WHERE c.reason IS NOT NULL OR d.line IS NOT NULL OR ${zonelessFromTextSql('c.ts_text')}
       OR list_contains($exposure, c.event_name)`, params);
  await db.run(`CREATE OR REPLACE TEMP TABLE stage_skipped AS SELECT line FROM stage_flags WHERE reason IS NOT NULL OR duplicate`);
  await db.run(`
    CREATE OR REPLACE TEMP TABLE stage_exposures AS
    SELECT experiment_id, user_id, variant_id, ts, user_segment FROM stage_flags WHERE exposure AND NOT duplicate`);
  const pass = (await db.query<{ zoneless: bigint; skipped: bigint }>(`
    SELECT (SELECT count(*) FROM stage_flags WHERE reason IS NULL AND NOT duplicate AND zoneless) AS zoneless,
      (SELECT count(*) FROM stage_skipped) AS skipped`))[0]!;
  const skipped = toNumber(pass.skipped)!;
  return {
    rowsRead, accepted: rowsRead - skipped, rejected: skipped, zonelessTimestamps: toNumber(pass.zoneless)!, skipped, duplicates,
    source, mapping, checked, params,
  };
}

const PRICING_ORDER_EVENT = 'order.completed';

/**
 * Inserts the records prepared by {@link prepareEventLog} as file `fileId`, in the caller's
 * transaction: the skipped ones into `rejects` (their own reason, else `duplicate_event`), every
 * other record into `events` (a pricing-export row that carries an order also as that order's
 * conversion event, docs/import.md).
 */
export async function insertEventLog(db: Database, fileId: number, prepared: PreparedEventLog): Promise<void> {
  const { checked, params } = prepared;
  if (prepared.skipped > 0) {
    await db.run(`
      INSERT INTO rejects
      SELECT $file, __line, __raw, coalesce(reason, 'duplicate_event'), CASE WHEN reason IS NOT NULL THEN detail END
      FROM ${checked('stage_skipped')}
      ORDER BY __line`, { ...params, file: fileId });
  }
  const isPricing = prepared.mapping.preset === 'pricing_export';
  const notSkipped = `reason IS NULL ${prepared.duplicates > 0 ? 'AND __line NOT IN (SELECT line FROM stage_dups)' : ''}`;
  // Filtering on the reason again costs little beside typing every field, where a join with the
  // skipped records would cost the parallel insert; duplicates (rare) are joined away. Rows carry
  // their line numbers, so their order in storage does not matter: an unordered insert is
  // faster, keeps no reordering buffers (memory), and writes full row groups.
  await db.run('SET preserve_insertion_order = false');
  try {
    await db.run(`
      INSERT INTO events
      SELECT $file, __line, event_name, event_version, ts, user_id, experiment_id, variant_id, is_control, user_segment,
             plan_code, ${isPricing ? 'NULL' : 'revenue_cents'}, currency, request_id, session_id, store_id, order_id, properties
      FROM ${checked()} WHERE ${notSkipped}`, { ...params, file: fileId });
    if (isPricing) {
      await db.run(`
        INSERT INTO events
        SELECT $file, __line, $order_event, NULL, ts, user_id, experiment_id, variant_id, is_control,
               user_segment, plan_code, revenue_cents, currency, request_id, session_id, store_id, order_id, properties
        FROM ${checked()} WHERE ${notSkipped} AND order_id IS NOT NULL`, { ...params, file: fileId, order_event: PRICING_ORDER_EVENT });
    }
  } finally {
    // After a failure the transaction only takes ROLLBACK; the import sets it again.
    await db.run('SET preserve_insertion_order = true').catch(() => undefined);
  }
}
