/**
 * Command-line flags → mapping options and analysis settings, validated (zod) so that a bad
 * value is a one-line usage error.
 */
import { ZodError } from 'zod';
import type { MappingOptions } from '../data/import/mapping.ts';
import { EXPOSURE_ATTRIBUTES, WINDOWED_METRICS, analysisSettingsSchema, type AnalysisSettings } from '../contract/settings.ts';
import { UsageError } from './usage-error.ts';

/** Raw flags as commander parses them. */
export interface CliFlags {
  db?: string;
  unit?: string;
  variant?: string;
  control?: string;
  experiment?: string;
  timestamp?: string;
  metric?: string[];
  covariate?: string[];
  /** Unit tables: the combine rule of a new experiment's definition (commander checks the choice). */
  combine?: 'sum' | 'mean' | 'max' | 'first' | 'last' | 'refuse';
  /** `--definition FILE.json` of analyze and report. */
  definition?: string;
  alpha?: string;
  mde?: string;
  power?: string;
  format?: string;
  out?: string;
  force?: boolean;
  cuped?: boolean;
  correction?: string;
  method?: string;
  sequentialN?: string;
  from?: string;
  to?: string;
  segment?: string;
  minSample?: string;
  minRuntime?: string;
  prePeriod?: string;
  funnel?: string;
  window?: string[];
  where?: string[];
}

/** `--window METRIC=DAYS` pairs. @throws UsageError for a malformed pair or an unknown metric. */
export function metricWindows(pairs: readonly string[]): Record<string, number> {
  const windows: Record<string, number> = {};
  for (const pair of pairs) {
    const match = /^([a-z_]+)=(.+)$/.exec(pair.trim());
    if (!match || !(WINDOWED_METRICS as readonly string[]).includes(match[1]!)) {
      throw new UsageError(`--window ${pair}: expected METRIC=DAYS with METRIC one of ${WINDOWED_METRICS.join(', ')}`);
    }
    windows[match[1]!] = numberFlag('window', match[2]!)!;
  }
  return windows;
}

/** `--where COLUMN=VALUE` pairs (exposure attributes). @throws UsageError for a malformed pair or another column. */
export function exposureFilters(pairs: readonly string[]): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const column = at > 0 ? pair.slice(0, at).trim() : '';
    if (!(EXPOSURE_ATTRIBUTES as readonly string[]).includes(column) || pair.slice(at + 1) === '') {
      throw new UsageError(`--where ${pair}: expected COLUMN=VALUE with COLUMN one of ${EXPOSURE_ATTRIBUTES.join(', ')}`);
    }
    filters[column] = pair.slice(at + 1);
  }
  return filters;
}

/** Repeatable flag collector for commander. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--covariate METRIC=COL` pairs as a record. @throws UsageError for a malformed pair. */
export function parseCovariates(pairs: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([^=]+)=(.+)$/.exec(pair);
    if (!match) throw new UsageError(`--covariate ${pair}: expected METRIC=COLUMN, e.g. --covariate spend=history`);
    out[match[1]!.trim()] = match[2]!.trim();
  }
  return out;
}

export function mappingOptions(flags: CliFlags): MappingOptions {
  const covariates = parseCovariates(flags.covariate);
  return {
    ...(flags.unit !== undefined && { unit: flags.unit }),
    ...(flags.variant !== undefined && { variant: flags.variant }),
    ...(flags.experiment !== undefined && { experiment: flags.experiment }),
    ...(flags.timestamp !== undefined && { timestamp: flags.timestamp }),
    ...(flags.control !== undefined && { control: flags.control }),
    ...(flags.metric?.length && { metrics: flags.metric }),
    ...(Object.keys(covariates).length > 0 && { covariates }),
  };
}

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new UsageError(`--${name} ${value}: not a number`);
  return parsed;
}

const FLAG_OF_SETTING: Record<string, string> = {
  minSamplePerVariant: 'min-sample', minRuntimeDays: 'min-runtime', cupedPrePeriodDays: 'pre-period', exposureFrom: 'from', exposureTo: 'to',
  funnelSteps: 'funnel', metricWindowDays: 'window', exposureFilters: 'where', sequentialTargetN: 'sequential-n',
};

/** Analysis settings from flags, defaults elsewhere. @throws UsageError for an out-of-range value. */
export function analysisSettings(flags: CliFlags): AnalysisSettings {
  const raw = {
    alpha: numberFlag('alpha', flags.alpha),
    mde: numberFlag('mde', flags.mde),
    power: numberFlag('power', flags.power),
    minSamplePerVariant: numberFlag('min-sample', flags.minSample),
    minRuntimeDays: numberFlag('min-runtime', flags.minRuntime),
    cupedPrePeriodDays: numberFlag('pre-period', flags.prePeriod),
    cuped: flags.cuped,
    correction: flags.correction === 'bh' ? 'benjamini-hochberg' : flags.correction,
    method: flags.method,
    sequentialTargetN: numberFlag('sequential-n', flags.sequentialN),
    control: flags.control,
    exposureFrom: flags.from,
    exposureTo: flags.to,
    segment: flags.segment,
    funnelSteps: flags.funnel === undefined ? undefined : flags.funnel.split(',').map((step) => step.trim()).filter(Boolean),
    metricWindowDays: flags.window === undefined ? undefined : metricWindows(flags.window),
    exposureFilters: flags.where === undefined ? undefined : exposureFilters(flags.where),
  };
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  try {
    return analysisSettingsSchema.parse(defined);
  } catch (error) {
    if (error instanceof ZodError) {
      const issue = error.issues[0]!;
      const key = String(issue.path[0] ?? '');
      throw new UsageError(`--${FLAG_OF_SETTING[key] ?? key}: ${issue.message}`);
    }
    throw error;
  }
}
