/**
 * What a unit-table column looks like it is, from its name and values (docs/experiment-definition.md,
 * "Proposed defaults"): an identifier, a time index, a pre-period attribute, or an outcome that
 * may be proposed as a metric — and whether an outcome is conversion-like or revenue-like. Pure.
 */

/** Facts about one numeric column, measured over the file's accepted rows. */
export interface ColumnFacts {
  readonly name: string;
  /** Accepted rows with a value. */
  readonly rows: number;
  readonly distinct: number;
  /** Every value is 0 or 1. */
  readonly binary: boolean;
  /** Every value is a whole number. */
  readonly integer: boolean;
  /** With repeated units: the value never changes within a unit (null when no unit repeats). */
  readonly constantWithinUnit: boolean | null;
}

export type ColumnRole = 'identifier' | 'time_index' | 'pre_period' | 'unit_attribute' | 'outcome';

/** Name → lower-case words: `AgeOfStore` → age, of, store; `retention_1` → retention, 1. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+|(?<=[A-Za-z])(?=[0-9])/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

// A bare lower-case `…id` suffix is an identifier only after a word that names an entity, so
// that `paid` or `valid` stay outcomes.
const ID_ENTITIES = /^(user|customer|client|account|session|order|store|market|location|device|visitor|member|player|request|transaction|event|product|item|shop|unit|cookie|household)id$/;
const TIME_WORDS = new Set(['week', 'day', 'date', 'month', 'year', 'hour', 'period', 'time', 'timestamp', 'ts', 'weekday', 'wk', 'quarter']);
const PRE_WORDS = new Set(['pre', 'prior', 'past', 'previous', 'prev', 'baseline', 'before', 'history', 'historical', 'recency', 'tenure', 'age', 'preperiod']);
const CONVERSION_WORDS = new Set([
  'conversion', 'converted', 'convert', 'visit', 'visited', 'purchase', 'purchased', 'click', 'clicked', 'signup', 'subscribed',
  'retention', 'retained', 'activated', 'activation', 'ordered',
]);
const REVENUE_WORDS = new Set(['revenue', 'spend', 'sales', 'amount', 'gmv', 'turnover']);

/** `id`, `*_id`, `*ID`/`*Id` (MarketID, userId), `userid`-style entity ids. */
export function hasIdentifierName(name: string): boolean {
  return /^id$/i.test(name) || /[_\s.-]id$/i.test(name) || /[a-z0-9](ID|Id)$/.test(name) || ID_ENTITIES.test(name.toLowerCase());
}

/**
 * The role of a column. An identifier by name, or by values: whole numbers, all different, over
 * at least 20 rows (a continuous outcome is rarely whole and never repeats-free by chance at
 * that size). A column constant within every repeated unit describes the unit, not its outcome.
 */
export function columnRole(facts: ColumnFacts): ColumnRole {
  const words = nameWords(facts.name);
  if (hasIdentifierName(facts.name)) return 'identifier';
  if (facts.integer && facts.rows >= 20 && facts.distinct === facts.rows) return 'identifier';
  if (words.length > 0 && words.every((w) => TIME_WORDS.has(w) || /^(num|number|index|no|of)$/.test(w)) && words.some((w) => TIME_WORDS.has(w))) {
    return 'time_index';
  }
  if (words.some((w) => PRE_WORDS.has(w))) return 'pre_period';
  if (facts.constantWithinUnit === true) return 'unit_attribute';
  return 'outcome';
}

/** A 0/1 column whose name says conversion, visit, purchase, retention, … — a confident goal. */
export function isConversionLike(facts: ColumnFacts): boolean {
  return facts.binary && nameWords(facts.name).some((w) => CONVERSION_WORDS.has(w));
}

/** A non-binary column whose name says revenue, spend, sales, … — a natural guardrail. */
export function isRevenueLike(facts: ColumnFacts): boolean {
  return !facts.binary && nameWords(facts.name).some((w) => REVENUE_WORDS.has(w));
}
