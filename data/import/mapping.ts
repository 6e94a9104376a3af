/**
 * Column mappings: how a file's columns become the canonical event log or a unit table
 * (SPEC §2.1). Known headers are recognised; anything else needs explicit flags (or the mapping
 * dialog), and a mapping is saved per header signature for the next file with the same header.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ImportInputError } from './detect-format.ts';

/** Canonical event-log columns (SPEC §2.1). */
export const CANONICAL_COLUMNS = [
  'event_name', 'event_version', 'timestamp', 'user_id', 'experiment_id', 'variant_id', 'is_control',
  'user_segment', 'plan_code', 'revenue_cents', 'value', 'currency', 'request_id', 'session_id', 'store_id',
  'order_id', 'properties',
] as const;
export type CanonicalColumn = (typeof CANONICAL_COLUMNS)[number];

/** Columns of the pricing experiment export (SPEC §2.1). */
export const PRICING_EXPORT_COLUMNS = [
  'slug', 'variantKey', 'variantName', 'isControl', 'assignmentStrategy', 'recordedAt', 'orderTotal',
  'orderCurrency', 'orderId', 'journeyId', 'eventId', 'status', 'loyaltyProjectionPoints',
] as const;

export const eventLogMappingSchema = z.object({
  shape: z.literal('event_log'),
  preset: z.enum(['canonical', 'pricing_export']),
  /** canonical column → source column in the file */
  columns: z.record(z.string(), z.string()),
});

export const unitTableMappingSchema = z.object({
  shape: z.literal('unit_table'),
  unit: z.string().nullable(),
  variant: z.string(),
  experiment: z.string().nullable(),
  timestamp: z.string().nullable(),
  metrics: z.array(z.string()).min(1),
  /** metric column → covariate column (CUPED) */
  covariates: z.record(z.string(), z.string()),
  control: z.string().nullable(),
  /** true when no --metric was given: the importer keeps only the numeric/boolean columns */
  metricsInferred: z.boolean().optional(),
});

export const columnMappingSchema = z.discriminatedUnion('shape', [eventLogMappingSchema, unitTableMappingSchema]);
export type EventLogMapping = z.infer<typeof eventLogMappingSchema>;
export type UnitTableMapping = z.infer<typeof unitTableMappingSchema>;
export type ColumnMapping = z.infer<typeof columnMappingSchema>;

/** Mapping flags from the command line or the mapping dialog; all optional. */
export interface MappingOptions {
  readonly unit?: string;
  readonly variant?: string;
  readonly experiment?: string;
  readonly timestamp?: string;
  readonly control?: string;
  readonly metrics?: readonly string[];
  /** metric column → covariate column */
  readonly covariates?: Readonly<Record<string, string>>;
}

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
 * @throws ImportInputError when a named column is missing or the header is not recognised.
 */
export function resolveMapping(header: readonly string[], options: MappingOptions, saved?: ColumnMapping): ColumnMapping {
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
    throw new ImportInputError(
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
