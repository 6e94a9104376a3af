/**
 * Seeded experiment simulator: a realistic canonical event log (docs/analysis-definitions.md) with known true
 * effects, for `experiment-desk demo` and for tests of the importer and the analysis.
 */
export type {
  BrokenRow,
  BrokenRowReason,
  CanonicalEventRow,
  EventLogColumn,
  SimulatedExperiment,
  SimulatedExperimentTruth,
  SimulatedRow,
  SimulatedVariant,
  SimulatedVariantExpectation,
  SimulationOptions,
  SimulationTruth,
} from './types.ts';
export { BROKEN_ROW_REASONS, EVENT_LOG_COLUMNS, SIMULATED_EVENT_NAMES, isBrokenRow } from './types.ts';
export { DEFAULT_OVERLAP_SHARE, DEFAULT_SEED, defaultScenario, validateSimulationOptions } from './scenario.ts';
export {
  BROKEN_ROWS_PER_REASON,
  EPOCH_MILLIS_ROWS,
  PRE_PERIOD_DAYS,
  ZONELESS_ROWS,
  collectEventLog,
  simulateEventLog,
} from './event-log.ts';
export { EVENT_LOG_CSV_HEADER, csvField, csvRecord, eventRowFields, writeEventLogCsv } from './write-csv.ts';
export { ndjsonRecord, writeEventLogNdjson } from './write-ndjson.ts';
export { createRandomStream, deriveSeed, type RandomStream } from './random.ts';
