/**
 * Defaults that do not mislead (docs/experiment-definition.md, "Proposed defaults"): the first
 * definition of every experiment an import brings, saved as version 1 by author `import`.
 *
 * - Event logs: goal `conversion`, guardrail `revenue_per_user` (a significant drop beyond 5 %),
 *   the other standard metrics secondary, each with its pre-period CUPED covariate (not `aov`).
 * - Unit tables: identifiers, time indexes, pre-period columns, unit attributes and the unit and
 *   variant columns are never proposed as metrics (column-roles.ts); metrics named at import are
 *   kept as named. The goal is the first 0/1 conversion-like column (`visit`, `converted`,
 *   `retention_1`, …) and nothing otherwise — the verdict then says that no goal is declared. A
 *   revenue-like column becomes a guardrail when there is a goal. Covariates named at import are
 *   kept (declared pre-exposure); repeated rows of a unit combine by `max` when every metric is
 *   0/1, else by `mean`.
 */
import type { CombineRule, DefinitionVersion, ExperimentDefinitionInput } from '../../contract/experiment-definition.ts';
import type { ColumnMapping, UnitTableMapping } from '../../contract/mapping.ts';
import { toNumber, type Database } from '../database.ts';
import { columnRole, isConversionLike, isRevenueLike, type ColumnFacts } from './column-roles.ts';
import { saveDefinition } from './store.ts';

/** Event-log metrics with a pre-period covariate (docs/analysis-definitions.md; `aov` has none). */
const EVENT_LOG_COVARIATE_METRICS = ['conversion', 'revenue_per_user', 'orders_per_user', 'retention_d1', 'retention_d7'] as const;

/** The proposed definition of an event-log experiment. */
export function proposeEventLogDefinition(experimentId: string, unitColumn: string): ExperimentDefinitionInput {
  return {
    experimentId,
    source: 'events',
    unit: unitColumn,
    goalMetrics: ['conversion'],
    secondaryMetrics: ['orders_per_user', 'aov', 'retention_d1', 'retention_d7'],
    guardrails: [{ metric: 'revenue_per_user', direction: 'higher_is_better', maxRelativeDrop: 0.05 }],
    covariates: Object.fromEntries(EVENT_LOG_COVARIATE_METRICS.map((m) => [m, { kind: 'pre_period' as const }])),
  };
}

/**
 * The proposed definition of a unit-table experiment from its mapping and its columns' facts
 * (`facts` in the mapping's metric order). Pure.
 */
export function proposeUnitTableDefinition(experimentId: string, mapping: UnitTableMapping, facts: readonly ColumnFacts[]): ExperimentDefinitionInput {
  const taken = new Set([mapping.unit, mapping.variant, mapping.experiment, mapping.timestamp, ...Object.values(mapping.covariates)]);
  const byName = new Map(facts.map((f) => [f.name, f]));
  const candidates = mapping.metrics
    .filter((name) => !taken.has(name))
    .filter((name) => !mapping.metricsInferred || (byName.has(name) && columnRole(byName.get(name)!) === 'outcome'));
  const goal = candidates.find((name) => byName.has(name) && isConversionLike(byName.get(name)!));
  const guardrail = goal ? candidates.find((name) => byName.has(name) && isRevenueLike(byName.get(name)!)) : undefined;
  return {
    experimentId,
    source: 'unit_table',
    unit: mapping.unit,
    // 0/1 metrics stay 0/1 with `max` (converted in any row); other metrics average their rows.
    combine: candidates.length > 0 && candidates.every((name) => byName.get(name)?.binary === true) ? 'max' : 'mean',
    control: mapping.control,
    goalMetrics: goal ? [goal] : [],
    secondaryMetrics: candidates.filter((name) => name !== goal && name !== guardrail),
    guardrails: guardrail ? [{ metric: guardrail, direction: 'higher_is_better', maxRelativeDrop: 0.05 }] : [],
    covariates: Object.fromEntries(Object.entries(mapping.covariates)
      .filter(([metric]) => candidates.includes(metric))
      .map(([metric, column]) => [metric, { kind: 'column' as const, column, preExposure: true as const }])),
  };
}

/**
 * Facts of every stored value column of unit-table file `fileId` (see `ColumnFacts`). The
 * within-unit pass (one group per unit and column) runs only when some unit of the file repeats,
 * so an ordinary one-row-per-unit table costs one aggregate per column.
 */
export async function unitTableColumnFacts(db: Database, fileId: number): Promise<ColumnFacts[]> {
  const rows = await db.query(`
    SELECT column_name, count(*) AS n, count(DISTINCT value) AS d, bool_and(value IN (0, 1)) AS is_binary,
           bool_and(value = round(value)) AS is_integer
    FROM unit_values WHERE file_id = $file GROUP BY column_name`, { file: fileId });
  const units = (await db.query(`
    SELECT count(*) AS n, count(DISTINCT (experiment_id, unit_id)) AS u FROM unit_rows WHERE file_id = $file`, { file: fileId }))[0]!;
  const repeats = toNumber(units.n)! > toNumber(units.u)!;
  const within = new Map<string, boolean>();
  if (repeats) {
    const constant = await db.query(`
      WITH per_unit AS (
        SELECT v.column_name, count(*) AS n, count(DISTINCT v.value) AS k
        FROM unit_values v JOIN unit_rows r ON r.file_id = v.file_id AND r.line = v.line
        WHERE v.file_id = $file GROUP BY v.column_name, r.experiment_id, r.unit_id
      )
      SELECT column_name, coalesce(bool_and(k = 1) FILTER (WHERE n > 1), true) AS constant FROM per_unit GROUP BY column_name`, { file: fileId });
    for (const row of constant) within.set(String(row.column_name), row.constant === true);
  }
  return rows.map((row) => ({
    name: String(row.column_name),
    rows: toNumber(row.n)!,
    distinct: toNumber(row.d)!,
    binary: row.is_binary === true,
    integer: row.is_integer === true,
    constantWithinUnit: repeats ? within.get(String(row.column_name)) ?? null : null,
  }));
}

/**
 * Saves a proposed definition for every experiment of file `fileId` (imported with `mapping`)
 * that has none yet (unit tables: combining repeated rows by `combine`, default `mean`); runs
 * inside the import's transaction, so a failed import leaves none.
 * Existing definitions are never touched.
 * @returns the versions saved (empty when every experiment already had one).
 */
export async function proposeDefinitionsForFile(
  db: Database, fileId: number, mapping: ColumnMapping, combine?: CombineRule,
): Promise<DefinitionVersion[]> {
  const undefinedExperiments = (sql: string, params?: Record<string, number>): Promise<string[]> => db.query(sql, params)
    .then((rows) => rows.map((row) => String(row.experiment_id)));
  const saved: DefinitionVersion[] = [];
  const author = { author: 'import', summary: 'proposed at import' };
  if (mapping.shape === 'event_log') {
    const ids = await undefinedExperiments(`
      SELECT DISTINCT experiment_id FROM assignments
      WHERE source = 'events' AND experiment_id NOT IN (SELECT experiment_id FROM experiment_definitions) ORDER BY 1`);
    const unitColumn = mapping.preset === 'pricing_export' ? 'journeyId' : (mapping.columns.user_id ?? 'user_id');
    for (const id of ids) saved.push(await saveDefinition(db, proposeEventLogDefinition(id, unitColumn), author));
    return saved;
  }
  const ids = await undefinedExperiments(`
    SELECT DISTINCT experiment_id FROM unit_rows
    WHERE file_id = $file AND experiment_id NOT IN (SELECT experiment_id FROM experiment_definitions) ORDER BY 1`, { file: fileId });
  if (ids.length === 0) return saved;
  const facts = await unitTableColumnFacts(db, fileId);
  for (const id of ids) {
    saved.push(await saveDefinition(db, { ...proposeUnitTableDefinition(id, mapping, facts), ...(combine && { combine }) }, author));
  }
  return saved;
}
