/**
 * Column mappings: how a file's columns become the canonical event log or a unit table
 * (docs/analysis-definitions.md). Known headers are recognised; anything else needs explicit flags (or the mapping
 * dialog), and a mapping is saved per header signature for the next file with the same header.
 */
import { createHash } from 'node:crypto';
import {
  CANONICAL_COLUMNS, PRICING_EXPORT_COLUMNS, type ColumnMapping, type MappingOptions,
} from '../../contract/mapping.ts';
import { checkColumnNames, ImportInputError, MappingRequiredError } from './detect-format.ts';

export {
  CANONICAL_COLUMNS, PRICING_EXPORT_COLUMNS, columnMappingSchema, eventLogMappingSchema, unitTableMappingSchema,
  type CanonicalColumn, type ColumnMapping, type EventLogMapping, type MappingOptions, type UnitTableMapping,
} from '../../contract/mapping.ts';

/** A stable signature of a header (order-sensitive), used to save and reuse mappings. */
export function headerSignature(header: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(header)).digest('hex').slice(0, 32);
}

function requireColumn(header: ReadonlySet<string>, column: string, flag: string): string {
  if (!header.has(column)) {
    throw new ImportInputError(`${flag} ${column}: no such column (columns: ${[...header].join(', ')})`);
  }
  return column;
}

/**
 * Decides the mapping for a file with this header.
 *
 * - A header with `event_name` is a canonical event log; `--unit`, `--timestamp`,
 *   `--experiment`, `--variant` rename its user, timestamp, experiment and variant columns.
 * - A header with `slug`, `variantKey` and `recordedAt` is the pricing experiment export.
 * - Otherwise it is a unit table and needs `--variant` (or a saved mapping); metric columns are
 *   the `--metric` flags, or every column that is not mapped to something else.
 *
 * @throws ImportInputError when a named column is missing, the header is not recognised, or a
 * column has a name reserved for the importer's own columns (`checkColumnNames`).
 */
export function resolveMapping(header: readonly string[], options: MappingOptions, saved?: ColumnMapping): ColumnMapping {
  checkColumnNames(header);
  const columns = new Set(header);
  const hasFlags = Object.values(options).some((value) => value !== undefined);
  if (saved && !hasFlags) return saved;

  const isEventLog = columns.has('event_name') && !options.metrics?.length;
  if (isEventLog) {
    const mapped: Record<string, string> = {};
    for (const name of CANONICAL_COLUMNS) if (columns.has(name)) mapped[name] = name;
    if (options.unit) mapped.user_id = requireColumn(columns, options.unit, '--unit');
    if (options.timestamp) mapped.timestamp = requireColumn(columns, options.timestamp, '--timestamp');
    if (options.experiment) mapped.experiment_id = requireColumn(columns, options.experiment, '--experiment');
    if (options.variant) mapped.variant_id = requireColumn(columns, options.variant, '--variant');
    for (const required of ['timestamp', 'user_id'] as const) {
      if (!mapped[required]) throw new ImportInputError(`event log without a ${required} column: map it with --${required === 'user_id' ? 'unit' : 'timestamp'} COL`);
    }
    return { shape: 'event_log', preset: 'canonical', columns: mapped };
  }

  const isPricingExport = ['slug', 'variantKey', 'recordedAt'].every((name) => columns.has(name)) && !options.variant;
  if (isPricingExport) {
    const mapped: Record<string, string> = {};
    for (const name of PRICING_EXPORT_COLUMNS) if (columns.has(name)) mapped[name] = name;
    return { shape: 'event_log', preset: 'pricing_export', columns: mapped };
  }

  if (!options.variant) {
    throw new MappingRequiredError(
      `header not recognised (${header.slice(0, 12).join(', ')}${header.length > 12 ? ', …' : ''}): ` +
        'map it with --variant COL and --metric COL (and --unit, --timestamp, --experiment as needed)',
    );
  }
  const variant = requireColumn(columns, options.variant, '--variant');
  const unit = options.unit ? requireColumn(columns, options.unit, '--unit') : null;
  const experiment = options.experiment ? requireColumn(columns, options.experiment, '--experiment') : null;
  const timestamp = options.timestamp ? requireColumn(columns, options.timestamp, '--timestamp') : null;
  const covariates: Record<string, string> = {};
  for (const [metric, covariate] of Object.entries(options.covariates ?? {})) {
    covariates[requireColumn(columns, metric, '--covariate')] = requireColumn(columns, covariate, '--covariate');
  }
  const taken = new Set([variant, unit, experiment, timestamp, ...Object.values(covariates)]);
  const metrics = options.metrics?.length
    ? options.metrics.map((metric) => requireColumn(columns, metric, '--metric'))
    : header.filter((name) => !taken.has(name));
  for (const metric of Object.keys(covariates)) {
    if (!metrics.includes(metric)) throw new ImportInputError(`--covariate ${metric}=…: ${metric} is not one of the metrics (${metrics.join(', ')})`);
  }
  if (metrics.length === 0) throw new ImportInputError('unit table without metric columns: name them with --metric COL');
  return {
    shape: 'unit_table', unit, variant, experiment, timestamp, metrics, covariates,
    control: options.control ?? null, metricsInferred: !options.metrics?.length,
  };
}
