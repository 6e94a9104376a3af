/**
 * Repeated units of a unit table (docs/experiment-definition.md, "Repeated units"): units with
 * more than one accepted row in their experiment. None of their rows is dropped: the
 * experiment's definition says how they combine, and the import summary counts them.
 */
import type { CombineRule } from '../../contract/experiment-definition.ts';
import { toNumber, type Database } from '../database.ts';

/** Units with more than one row, and those units' rows, for the experiments of one file. */
export interface RepeatedUnits {
  /** Units (experiment, unit) with two or more accepted rows, over every file of their experiment. */
  readonly units: number;
  /** All accepted rows of those units. */
  readonly rows: number;
  /** How the experiments' definitions combine them (one entry per rule in use). */
  readonly combine: readonly CombineRule[];
}

/**
 * Counts the repeated units of the experiments that file `fileId` holds rows of, with the combine
 * rule of each experiment's latest definition (`first` when none is stored).
 * @returns null when no unit repeats.
 */
export async function repeatedUnitsOfFile(db: Database, fileId: number): Promise<RepeatedUnits | null> {
  const rows = await db.query(`
    WITH experiments AS (SELECT DISTINCT experiment_id FROM unit_rows WHERE file_id = $file),
    per_unit AS (
      SELECT r.experiment_id, r.unit_id, count(*) AS n FROM unit_rows r JOIN experiments USING (experiment_id)
      GROUP BY ALL HAVING count(*) > 1
    ),
    rules AS (
      SELECT experiment_id, arg_max(json_extract_string(definition, '$.combine'), version) AS combine
      FROM experiment_definitions GROUP BY experiment_id
    )
    SELECT count(*) AS units, sum(n) AS rows, string_agg(DISTINCT coalesce(rules.combine, 'first'), ',') AS combine
    FROM per_unit LEFT JOIN rules USING (experiment_id)`, { file: fileId });
  const units = toNumber(rows[0]?.units) ?? 0;
  if (units === 0) return null;
  const combine = String(rows[0]!.combine ?? 'first').split(',').sort() as CombineRule[];
  return { units, rows: toNumber(rows[0]!.rows)!, combine };
}
