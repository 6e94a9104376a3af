/**
 * An independent reader of the simulator's CSV for tests: a plain comma splitter (the generated
 * file has no quoted fields) and per-unit metrics computed from docs/analysis-definitions.md / analysis-definitions.md,
 * without any of the generator's internals.
 */
import { EVENT_LOG_COLUMNS } from '../../data/simulate/index.ts';

export const DAY_MS = 86_400_000;
export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const EPOCH_MS = /^\d+$/;
export const ZONELESS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export type RowClass = 'valid' | 'missing_user_id' | 'bad_timestamp' | 'wrong_column_count' | 'negative_revenue' | 'other_invalid';

export interface ParsedEvent {
  line: number;
  name: string;
  t: number;
  timestampText: string;
  user: string;
  experiment: string;
  variant: string;
  isControl: string;
  segment: string;
  revenue: number;
  currency: string;
  requestId: string;
  orderId: string;
}

export interface ParsedLog {
  header: string;
  dataLines: string[];
  classes: Record<RowClass, number>;
  events: ParsedEvent[];
}

/** Parses a timestamp as the importer must: ISO-8601, epoch ms (all digits), zone-less = UTC. */
export function parseTimestamp(text: string): number {
  if (EPOCH_MS.test(text)) return Number(text);
  if (ZONELESS.test(text)) return Date.parse(`${text.replace(' ', 'T')}Z`);
  if (ISO_MS.test(text)) return Date.parse(text);
  return Number.NaN;
}

/** Splits the CSV text (LF lines, no quoting) and classifies every data row by the reason codes. */
export function parseLog(text: string): ParsedLog {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const header = lines[0] ?? '';
  const dataLines = lines.slice(1);
  const classes: Record<RowClass, number> = {
    valid: 0,
    missing_user_id: 0,
    bad_timestamp: 0,
    wrong_column_count: 0,
    negative_revenue: 0,
    other_invalid: 0,
  };
  const events: ParsedEvent[] = [];
  dataLines.forEach((line, i) => {
    const f = line.split(',');
    if (f.length !== EVENT_LOG_COLUMNS.length) {
      classes.wrong_column_count += 1;
      return;
    }
    const [name, , ts, user, experiment, variant, isControl, segment, , revenueText, currency, requestId, , , orderId] = f as [
      string, string, string, string, string, string, string, string, string, string, string, string, string, string, string,
    ];
    const t = parseTimestamp(ts);
    const revenue = revenueText === '' ? 0 : Number(revenueText);
    if (user === '') classes.missing_user_id += 1;
    else if (Number.isNaN(t)) classes.bad_timestamp += 1;
    else if (revenue < 0) classes.negative_revenue += 1;
    else if (name === '' || !Number.isInteger(revenue) || (name === 'experiment.exposure' && (experiment === '' || variant === ''))) classes.other_invalid += 1;
    else {
      classes.valid += 1;
      events.push({ line: i + 2, name, t, timestampText: ts, user, experiment, variant, isControl, segment, revenue, currency, requestId, orderId });
    }
  });
  return { header, dataLines, classes, events };
}

/** Per-unit docs/analysis-definitions.md values of one unit in one experiment, with the CUPED covariates. */
export interface UnitMetrics {
  variant: string;
  t0: number;
  conversion: number;
  revenue: number;
  orders: number;
  /** null when not mature. */
  d1: number | null;
  d7: number | null;
  preConversion: number;
  preRevenue: number;
  preActive: number;
}

export interface ExperimentUnits {
  /** Units by the variant of their first exposure, multiple-exposure units included. */
  firstVariantCounts: Record<string, number>;
  multipleExposureUnits: number;
  /** Analysable units (single variant). */
  units: UnitMetrics[];
}

/**
 * Assignment (docs/analysis-definitions.md) and per-unit metrics (docs/analysis-definitions.md, window until `data_end`) of every
 * experiment in the log. Conversion events: `checkout.completed`; every event is activity.
 */
export function unitMetrics(events: readonly ParsedEvent[]): Map<string, ExperimentUnits> {
  let dataEnd = -Infinity;
  const byUser = new Map<string, ParsedEvent[]>();
  for (const e of events) {
    if (e.t > dataEnd) dataEnd = e.t;
    let list = byUser.get(e.user);
    if (!list) byUser.set(e.user, (list = []));
    list.push(e);
  }
  const out = new Map<string, ExperimentUnits>();
  for (const list of byUser.values()) {
    const exposuresByExp = new Map<string, ParsedEvent[]>();
    for (const e of list) {
      if (e.name !== 'experiment.exposure') continue;
      let xs = exposuresByExp.get(e.experiment);
      if (!xs) exposuresByExp.set(e.experiment, (xs = []));
      xs.push(e);
    }
    for (const [exp, xs] of exposuresByExp) {
      let eu = out.get(exp);
      if (!eu) out.set(exp, (eu = { firstVariantCounts: {}, multipleExposureUnits: 0, units: [] }));
      const first = xs.reduce((a, b) => (b.t < a.t ? b : a));
      eu.firstVariantCounts[first.variant] = (eu.firstVariantCounts[first.variant] ?? 0) + 1;
      if (new Set(xs.map((x) => x.variant)).size > 1) {
        eu.multipleExposureUnits += 1;
        continue;
      }
      const t0 = first.t;
      const m: UnitMetrics = { variant: first.variant, t0, conversion: 0, revenue: 0, orders: 0, d1: null, d7: null, preConversion: 0, preRevenue: 0, preActive: 0 };
      let d1 = 0;
      let d7 = 0;
      for (const e of list) {
        const isOrder = e.name === 'checkout.completed';
        if (e.t >= t0) {
          if (isOrder) {
            m.orders += 1;
            m.revenue += e.revenue;
          }
          if (e.t >= t0 + DAY_MS && e.t < t0 + 2 * DAY_MS) d1 = 1;
          if (e.t >= t0 + 7 * DAY_MS && e.t < t0 + 8 * DAY_MS) d7 = 1;
        } else if (e.t >= t0 - 14 * DAY_MS) {
          m.preActive = 1;
          if (isOrder) {
            m.preConversion = 1;
            m.preRevenue += e.revenue;
          }
        }
      }
      m.conversion = m.orders > 0 ? 1 : 0;
      if (t0 + 2 * DAY_MS <= dataEnd) m.d1 = d1;
      if (t0 + 8 * DAY_MS <= dataEnd) m.d7 = d7;
      eu.units.push(m);
    }
  }
  return out;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sample variance (n − 1). */
export function variance(xs: readonly number[]): number {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
}

/** Squared Pearson correlation: the share of variance CUPED removes with this covariate. */
export function correlationSquared(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i += 1) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return (sxy * sxy) / (sxx * syy);
}

/** Welch z of mean(b) − mean(a). */
export function welchZ(a: readonly number[], b: readonly number[]): number {
  return (mean(b) - mean(a)) / Math.sqrt(variance(a) / a.length + variance(b) / b.length);
}
