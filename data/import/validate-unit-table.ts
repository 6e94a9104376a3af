/**
 * Validates a staged unit table (one row per randomization unit, docs/analysis-definitions.md shape 2) in SQL and
 * moves each row into `unit_rows` + `unit_values` or into `rejects` (docs/analysis-definitions.md).
 */
import { quoteIdentifier, toNumber, type Database } from '../database.ts';
import type { UnitTableMapping } from './mapping.ts';
import type { ValidationCounts } from './validate-events.ts';
import { insertRejects } from './validate-events.ts';
import {
  numberLikeSql, OUT_OF_RANGE_NUMBER, parseNumberSql, parseTimestampSql, textSql, timestampRejectDetailSql, zonelessTimestampSql,
} from './sql-parsers.ts';
import { ImportInputError } from './detect-format.ts';

/**
 * Keeps, of the inferred metric columns, those whose every non-empty value is a number or a
 * boolean (so a text column such as `landing_page` is not mistaken for a metric). A number out of
 * the accepted range (`NaN`, `inf`, docs/analysis-definitions.md) still makes a metric column:
 * its row is then rejected as `bad_number`. A table without rows keeps every candidate.
 * @throws ImportInputError when no column qualifies.
 */
export async function inferMetricColumns(db: Database, mapping: UnitTableMapping): Promise<UnitTableMapping> {
  if (!mapping.metricsInferred) return mapping;
  const checks = mapping.metrics.map(
    (name, i) => `bool_and(${textSql(quoteIdentifier(name))} IS NULL OR ${numberLikeSql(quoteIdentifier(name))}) AS m${i}`,
  );
  const row = (await db.query(`SELECT ${checks.join(', ')} FROM stage`))[0] ?? {};
  // NULL: no rows at all.
  const metrics = mapping.metrics.filter((_, i) => row[`m${i}`] !== false);
  if (metrics.length === 0) throw new ImportInputError('no numeric or boolean metric column found: name the metrics with --metric COL');
  return { ...mapping, metrics };
}

/**
 * Validates `stage` as a unit table of file `fileId` whose experiment id, when there is no
 * experiment column, is `defaultExperimentId`.
 */
export async function validateUnitTable(
  db: Database,
  fileId: number,
  mapping: UnitTableMapping,
  defaultExperimentId: string,
): Promise<ValidationCounts> {
  const valueColumns = [...new Set([...mapping.metrics, ...Object.values(mapping.covariates)])];
  const q = quoteIdentifier;
  const typedValues = valueColumns
    .map((name, i) => `${textSql(q(name))} AS v${i}_text, ${parseNumberSql(q(name))} AS v${i}`)
    .join(',\n        ');
  const missing = valueColumns.map((_, i) => `v${i}_text IS NULL`).join(' OR ');
  const bad = valueColumns.map((_, i) => `(v${i}_text IS NOT NULL AND v${i} IS NULL)`).join(' OR ');
  const badDetail = valueColumns
    .map((_, i) => `WHEN v${i}_text IS NULL THEN $c${i} || ': (empty)' WHEN v${i} IS NULL THEN $c${i} || ': ' || v${i}_text
      || CASE WHEN TRY_CAST(v${i}_text AS DOUBLE) IS NOT NULL THEN ' ${OUT_OF_RANGE_NUMBER}' ELSE '' END`)
    .join(' ');
  const columnParams: Record<string, string> = {};
  valueColumns.forEach((name, i) => (columnParams[`c${i}`] = name));
  const unit = mapping.unit ? textSql(q(mapping.unit)) : `'row:' || __line`;
  const experiment = mapping.experiment ? `coalesce(${textSql(q(mapping.experiment))}, $experiment)` : '$experiment';
  const tsText = mapping.timestamp ? textSql(q(mapping.timestamp)) : 'NULL::VARCHAR';
  const ts = mapping.timestamp ? parseTimestampSql(q(mapping.timestamp)) : 'NULL::TIMESTAMPTZ';
  await db.run(`
    CREATE OR REPLACE TEMP TABLE stage_checked AS
    WITH typed AS (
      SELECT __line, __raw, ${unit} AS unit_id, ${textSql(q(mapping.variant))} AS variant_id,
        ${experiment} AS experiment_id, ${tsText} AS ts_text, ${ts} AS ts,
        ${typedValues}
      FROM stage
    )
    SELECT *,
      CASE
        WHEN unit_id IS NULL THEN 'missing_user_id'
        WHEN variant_id IS NULL THEN 'missing_variant'
        WHEN ${mapping.timestamp ? 'ts IS NULL' : 'FALSE'} THEN 'bad_timestamp'
        WHEN ${missing} THEN 'missing_value'
        WHEN ${bad} THEN 'bad_number'
      END AS reason,
      CASE WHEN ${mapping.timestamp ? 'ts IS NULL' : 'FALSE'} THEN ${timestampRejectDetailSql('ts_text')}
           ${badDetail} END AS detail
    FROM typed`, { experiment: defaultExperimentId, ...columnParams });
  await db.run(`
    INSERT INTO unit_rows SELECT $file, __line, experiment_id, unit_id, variant_id, ts
    FROM stage_checked WHERE reason IS NULL ORDER BY __line`, { file: fileId });
  for (const [i, name] of valueColumns.entries()) {
    await db.run(`INSERT INTO unit_values SELECT $file, __line, $name, v${i} FROM stage_checked WHERE reason IS NULL ORDER BY __line`, {
      file: fileId,
      name,
    });
  }
  for (const [position, name] of mapping.metrics.entries()) {
    await db.run(`INSERT INTO unit_columns VALUES ($file, $name, 'metric', NULL, $position)`, { file: fileId, name, position });
  }
  for (const [metric, covariate] of Object.entries(mapping.covariates)) {
    await db.run(`INSERT INTO unit_columns VALUES ($file, $name, 'covariate', $metric, -1)`, { file: fileId, name: covariate, metric });
  }
  await insertRejects(db, fileId);
  const counts = (await db.query<{ accepted: bigint; rejected: bigint; zoneless: bigint }>(`
    SELECT count(*) FILTER (WHERE reason IS NULL) AS accepted,
           count(*) FILTER (WHERE reason IS NOT NULL) + (SELECT count(*) FROM stage_parse_rejects) AS rejected,
           count(*) FILTER (WHERE reason IS NULL AND ts_text IS NOT NULL AND ${zonelessTimestampSql('ts_text')}) AS zoneless
    FROM stage_checked`))[0]!;
  await db.run('DROP TABLE stage_checked');
  return { accepted: toNumber(counts.accepted)!, rejected: toNumber(counts.rejected)!, zonelessTimestamps: toNumber(counts.zoneless)! };
}
