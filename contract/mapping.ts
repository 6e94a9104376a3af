/**
 * Column mappings (docs/analysis-definitions.md): how a file's columns become the canonical event log or a unit
 * table. Shared by the importer, the command line and the mapping dialog.
 */
import { z } from 'zod';

/** Canonical event-log columns (docs/analysis-definitions.md). */
export const CANONICAL_COLUMNS = [
  'event_name', 'event_version', 'timestamp', 'user_id', 'experiment_id', 'variant_id', 'is_control',
  'user_segment', 'plan_code', 'revenue_cents', 'value', 'currency', 'request_id', 'session_id', 'store_id',
  'order_id', 'properties',
] as const;
export type CanonicalColumn = (typeof CANONICAL_COLUMNS)[number];

/** Columns of the pricing experiment export (docs/analysis-definitions.md). */
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
export const mappingOptionsSchema = z.object({
  unit: z.string().min(1).optional(),
  variant: z.string().min(1).optional(),
  experiment: z.string().min(1).optional(),
  timestamp: z.string().min(1).optional(),
  control: z.string().min(1).optional(),
  metrics: z.array(z.string().min(1)).optional(),
  /** metric column → covariate column */
  covariates: z.record(z.string(), z.string().min(1)).optional(),
}).strict();
export type MappingOptions = z.infer<typeof mappingOptionsSchema>;

