/**
 * The validation of an event log (canonical or pricing export) in SQL: each record's typed
 * canonical fields and its reject reason, if any (codes in docs/analysis-definitions.md); the
 * inserts are in `insert-event-log.ts`.
 */
import { quoteIdentifier, type Database } from '../database.ts';
import type { EventLogMapping } from './mapping.ts';
import {
  booleanFromTextSql, centsFromTextSql, OUT_OF_RANGE_REVENUE, textSql, timestampFromTextSql, timestampRejectDetailSql,
} from './sql-parsers.ts';

export interface ValidationCounts {
  readonly accepted: number;
  readonly rejected: number;
  readonly zonelessTimestamps: number;
}

/** Event names as configured (docs/analysis-definitions.md defaults in `settings.ts`). */
export interface EventNames {
  readonly exposure: readonly string[];
  readonly conversion: readonly string[];
}

const PRICING_EXPOSURE_EVENT = 'pricing_experiment_segment';

/**
 * The SQL expression of each canonical field from the mapping. `text(column)` is the column's
 * trimmed text (NULL when empty), computed once per field by {@link checkedEventsSql}; `raw`
 * columns keep their text as written (the JSON of non-canonical columns).
 */
function fieldExpressions(mapping: EventLogMapping, header: readonly string[], text: (column: string | undefined) => string): Record<string, string> {
  const raw = (name: string | undefined): string => (name ? quoteIdentifier(name) : 'NULL::VARCHAR');
  const c = mapping.columns;
  const mappedSources = new Set(Object.values(c));
  const extra = header.filter((name) => !mappedSources.has(name));
  const extraJson = extra.length
    ? `to_json(struct_pack(${extra.map((name) => `${quoteIdentifier(name)} := ${quoteIdentifier(name)}`).join(', ')}))`
    : 'NULL::JSON';
  if (mapping.preset === 'pricing_export') {
    return {
      event_name: `'${PRICING_EXPOSURE_EVENT}'`,
      event_version: 'NULL::VARCHAR',
      ts_text: text(c.recordedAt),
      user_id: text(c.journeyId),
      experiment_id: text(c.slug),
      variant_id: text(c.variantKey),
      is_control: booleanFromTextSql(text(c.isControl)),
      user_segment: 'NULL::VARCHAR',
      plan_code: 'NULL::VARCHAR',
      revenue_text: text(c.orderTotal),
      revenue_cents: centsFromTextSql(text(c.orderTotal), 100),
      currency: text(c.orderCurrency),
      request_id: text(c.eventId),
      session_id: text(c.journeyId),
      store_id: 'NULL::VARCHAR',
      order_id: text(c.orderId),
      properties: extraJson,
    };
  }
  const revenueSource = c.revenue_cents ?? c.value;
  const properties = c.properties
    ? `CASE WHEN json_valid(${raw(c.properties)}) THEN ${raw(c.properties)}::JSON ELSE to_json(${raw(c.properties)}) END`
    : extraJson;
  return {
    event_name: text(c.event_name),
    event_version: text(c.event_version),
    ts_text: text(c.timestamp),
    user_id: text(c.user_id),
    experiment_id: text(c.experiment_id),
    variant_id: text(c.variant_id),
    is_control: booleanFromTextSql(text(c.is_control)),
    user_segment: text(c.user_segment),
    plan_code: text(c.plan_code),
    revenue_text: text(revenueSource),
    revenue_cents: centsFromTextSql(text(revenueSource), c.revenue_cents ? 1 : 100),
    currency: text(c.currency),
    request_id: text(c.request_id),
    session_id: text(c.session_id),
    store_id: text(c.store_id),
    order_id: text(c.order_id),
    properties,
  };
}

/**
 * The validation query over `source` (a relation with the file's columns, `__line` and `__raw`):
 * every row with its canonical typed fields, `reason` (NULL when valid), `detail` and, in
 * `ts_text`, the timestamp as written (trimmed). With `duplicates`, `copy_no` numbers identical
 * records (reason `duplicate_event` from the second on); without, duplicates are left to the
 * caller. `passThrough` columns of `source` are kept as they are. With `trim` false the caller
 * knows no field has surrounding blanks, and trimming (costly) is skipped. The exposure event
 * names are the parameter `$exposure`.
 */
export function checkedEventsSql(
  mapping: EventLogMapping, header: readonly string[], source: string,
  options: { duplicates: boolean; passThrough?: readonly string[]; trim?: boolean },
): string {
  // Each mapped column's text is trimmed once, in an inner projection.
  const mapped = [...new Set(Object.values(mapping.columns).filter((name): name is string => !!name))];
  const textColumn = (name: string | undefined): string =>
    name ? quoteIdentifier(`__t${mapped.indexOf(name)}`) : 'NULL::VARCHAR';
  const trimmed = mapped.map((name, i) => {
    const column = quoteIdentifier(name);
    return `${options.trim === false ? `nullif(${column}, '')` : textSql(column)} AS ${quoteIdentifier(`__t${i}`)}`;
  });
  const f = fieldExpressions(mapping, header, textColumn);
  const duplicates = options.duplicates;
  // A subquery, not a CTE: DuckDB may materialise a CTE, and this one streams a whole file.
  return `
    SELECT *,
      CASE
        WHEN event_name IS NULL THEN 'missing_event_name'
        WHEN user_id IS NULL THEN 'missing_user_id'
        WHEN ts IS NULL THEN 'bad_timestamp'
        WHEN list_contains($exposure, event_name) AND (experiment_id IS NULL OR variant_id IS NULL) THEN 'unknown_variant_shape'
        WHEN revenue_text IS NOT NULL AND revenue_cents IS NULL THEN 'bad_number'
        WHEN revenue_cents < 0 THEN 'negative_revenue'
        ${duplicates ? "WHEN copy_no > 1 THEN 'duplicate_event'" : ''}
      END AS reason,
      CASE WHEN ts IS NULL THEN ${timestampRejectDetailSql('ts_text')}
           WHEN revenue_text IS NOT NULL AND (revenue_cents IS NULL OR revenue_cents < 0) THEN 'revenue: ' || revenue_text
             || CASE WHEN revenue_cents IS NULL AND TRY_CAST(revenue_text AS DOUBLE) IS NOT NULL THEN ' ${OUT_OF_RANGE_REVENUE}' ELSE '' END
      END AS detail
    FROM (
      SELECT __line, __raw, ${(options.passThrough ?? []).map((c) => `${c}, `).join('')}
        ${f.event_name} AS event_name, ${f.event_version} AS event_version,
        ${f.ts_text} AS ts_text, ${timestampFromTextSql(f.ts_text!)} AS ts,
        ${f.user_id} AS user_id, ${f.experiment_id} AS experiment_id, ${f.variant_id} AS variant_id,
        ${f.is_control} AS is_control, ${f.user_segment} AS user_segment, ${f.plan_code} AS plan_code,
        ${f.revenue_text} AS revenue_text, ${f.revenue_cents} AS revenue_cents,
        ${f.currency} AS currency, ${f.request_id} AS request_id, ${f.session_id} AS session_id,
        ${f.store_id} AS store_id, ${f.order_id} AS order_id, ${f.properties} AS properties
        ${duplicates ? ', row_number() OVER (PARTITION BY __raw ORDER BY __line) AS copy_no' : ''}
      FROM (SELECT *${trimmed.map((t) => `, ${t}`).join('')} FROM ${source})
    ) typed`;
}

/** Moves the validator's rejects (`stage_checked.reason`) and the parser's into `rejects`. */
export async function insertRejects(db: Database, fileId: number): Promise<void> {
  await db.run(`
    INSERT INTO rejects
    SELECT $file, __line, __raw, reason, detail FROM stage_parse_rejects
    UNION ALL
    SELECT $file, __line, __raw, reason, detail FROM stage_checked WHERE reason IS NOT NULL
    ORDER BY 2`, { file: fileId });
}
