/**
 * The scale generator: a canonical event log (docs/analysis-definitions.md) of millions of events, generated inside
 * DuckDB in a few set-based statements and written by `COPY` — for the benchmark (`npm run gen`,
 * `npm run bench`), not for the demo (the JS simulator in `event-log.ts` is the realistic,
 * byte-pinned one; this one trades detail for speed: 10M events in seconds).
 *
 * Deterministic: every random draw is `hash(seed, key…)` mapped to (0, 1), never `random()`, so
 * the output depends only on the options (and the DuckDB version, which `package.json` pins),
 * not on thread scheduling.
 *
 * Model, per unit (`user_N`): a segment (`new` 50 %, `returning` 40 %, `b2b` 10 %) and a
 * store; latent traits shared by pre- and post-period (20 % high intent with 4× conversion
 * propensity, log-normal activity and order-value levels), so CUPED reduces variance; a first
 * exposure `t0` uniform over the run (never in its last 2 h) to a primary experiment chosen by
 * traffic share, and each other experiment with probability 0.15 (30 min later at most);
 * arms by equal weights. 25 % of (unit, experiment) pairs get 1–2 repeated exposures on day 0, and
 * 0.5 % one exposure to a different arm (excluded from analysis, docs/analysis-definitions.md).
 * - Pre-period, the 14 days before `t0`: each day active with probability 2 / 8 / 12 % (by
 *   segment) × activity, 1–3 `page_view`s; an order funnel on an active day with probability
 *   1.5 × the primary control's conversion rate × propensity (× 2 / 3.5 / 5 by segment).
 * - Post-period, day k = [t0 + k days, t0 + (k + 1) days), cut at the end of the run: day 0 is
 *   active; day k ≥ 1 with the arm's D1 rate (k = 1), D7 rate (k = 7), geometric in between and
 *   −3 % a day after, × activity × segment factor (capped at 0.98). Every active day has 1–3
 *   page views and, with probability 6 %, an abandoned checkout.
 * - Conversion: a unit converts with probability = the arm's conversion rate × propensity ×
 *   segment factor (capped at 0.95): an order on day 0, and on each later active day with
 *   probability 12 %; order value log-normal (log-sd 0.35) around the arm's mean × the unit's level.
 * - Units in several experiments combine effects multiplicatively (× the other arm's value / that
 *   experiment's control value), as in the JS simulator.
 * - Broken rows replace page views at a rate of `brokenShare` per reason: empty `user_id`,
 *   `timestamp` = `not-a-date`, `revenue_cents` = −500 on a `checkout.completed`, and a record
 *   without its last field (wrong column count). A few valid rows carry an epoch-millisecond or a
 *   zone-less timestamp.
 *
 * The true effects are the arms' parameters in {@link SCALE_EXPERIMENTS}.
 */
import { stat } from 'node:fs/promises';
import type { Database } from '../database.ts';
import { EVENT_LOG_COLUMNS, type BrokenRowReason } from './types.ts';

export type ScaleFormat = 'csv' | 'parquet' | 'ndjson';

/** One arm with its true (generating) parameters. */
export interface ScaleVariant {
  readonly variantId: string;
  readonly isControl: boolean;
  /** P(≥ 1 order after exposure) for a unit of average propensity. */
  readonly conversionRate: number;
  /** Mean order value, cents. */
  readonly meanOrderValueCents: number;
  /** P(any event on day 1) and on day 7 after exposure, for a unit of average activity. */
  readonly retentionD1: number;
  readonly retentionD7: number;
}

export interface ScaleExperiment {
  readonly experimentId: string;
  /** Relative share of units whose primary experiment this is. */
  readonly trafficShare: number;
  readonly variants: readonly ScaleVariant[];
}

const v = (variantId: string, isControl: boolean, conversionRate: number, meanOrderValueCents: number, retentionD1: number, retentionD7: number): ScaleVariant =>
  ({ variantId, isControl, conversionRate, meanOrderValueCents, retentionD1, retentionD7 });

/**
 * The experiments of the scale log and their true effects:
 * - `checkout-redesign`: conversion +20 % relative (10 % → 12 %), D1 retention +1 point;
 * - `spring-offer`: `annual-20off` more conversions and larger orders, `monthly-10off` a few more
 *   conversions but much smaller orders (revenue per user down);
 * - `onboarding-tour` (4 arms): retention effects only (`tour-short` D1/D7 up, `tour-long` down,
 *   `tour-video` none);
 * - `pricing-page`: an A/A test (no effect anywhere).
 */
export const SCALE_EXPERIMENTS: readonly ScaleExperiment[] = [
  {
    experimentId: 'checkout-redesign', trafficShare: 0.4, variants: [
      v('control', true, 0.10, 5200, 0.40, 0.22),
      v('treatment', false, 0.12, 5200, 0.41, 0.22),
    ],
  },
  {
    experimentId: 'spring-offer', trafficShare: 0.25, variants: [
      v('control', true, 0.06, 5900, 0.35, 0.18),
      v('annual-20off', false, 0.075, 7900, 0.36, 0.20),
      v('monthly-10off', false, 0.066, 3900, 0.34, 0.17),
    ],
  },
  {
    experimentId: 'onboarding-tour', trafficShare: 0.2, variants: [
      v('control', true, 0.08, 4500, 0.38, 0.20),
      v('tour-short', false, 0.08, 4500, 0.42, 0.23),
      v('tour-long', false, 0.08, 4500, 0.35, 0.18),
      v('tour-video', false, 0.08, 4500, 0.38, 0.20),
    ],
  },
  {
    experimentId: 'pricing-page', trafficShare: 0.15, variants: [
      v('control', true, 0.07, 6000, 0.37, 0.19),
      v('variant-b', false, 0.07, 6000, 0.37, 0.19),
    ],
  },
];

export interface ScaleOptions {
  /** Data rows to write (header excluded), broken rows included. */
  readonly events: number;
  readonly seed: number;
  readonly format: ScaleFormat;
  /** First day of the run (UTC, `YYYY-MM-DD`). */
  readonly startDate: string;
  /** Length of the run in days. */
  readonly days: number;
  /** Share of rows per broken-row reason (at least one of each when > 0). */
  readonly brokenShare: number;
  /**
   * The shape of real exports (CSV only): `user_segment` values with the delimiter inside quotes
   * (`"b2b, enterprise"`), a share {@link multilineShare} of page views whose `event_version`
   * holds a quoted line break, and a fifth broken-row reason, `malformed_record` (a field that
   * opens a quote and never closes it), at `brokenShare`.
   */
  readonly quoted?: boolean;
  /** Share of page views with a quoted line break when `quoted` (default 0.001). */
  readonly multilineShare?: number;
}

export const DEFAULT_SCALE_OPTIONS: Omit<ScaleOptions, 'events'> = {
  seed: 20261121, format: 'csv', startDate: '2026-03-02', days: 28, brokenShare: 0.0001,
};

export interface ScaleTruth {
  readonly options: ScaleOptions;
  readonly path: string;
  readonly bytes: number;
  /** Data rows written (= options.events), header excluded. */
  readonly rowsWritten: number;
  readonly validRows: number;
  readonly brokenRows: Record<BrokenRowReason, number>;
  /** Rows with a field that opens a quote and never closes it (`quoted` only). */
  readonly malformedRows: number;
  /** Records written over two physical lines (`quoted` only). */
  readonly multilineRows: number;
  readonly units: number;
  readonly experiments: readonly ScaleExperiment[];
  readonly seconds: number;
}

/** Events per unit of this model, measured; used to size the unit population (then cut exactly). */
const EVENTS_PER_UNIT_ESTIMATE = 8.5;
const DAY_MS = 86_400_000;

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * Generates the log into `path` (CSV with the canonical header, Parquet with every column as text,
 * or NDJSON) using `db` (any database: the work happens in temp tables, dropped at the end).
 * @throws RangeError for invalid options.
 */
export async function generateScaleEventLog(db: Database, path: string, options: ScaleOptions): Promise<ScaleTruth> {
  const started = performance.now();
  validate(options);
  const start = Date.parse(`${options.startDate}T00:00:00Z`);
  const end = start + options.days * DAY_MS;
  const seed = Math.trunc(options.seed);
  // Units: enough for the requested rows (+10 %); the log is then cut to exactly `events` rows.
  const units = Math.max(10, Math.ceil((options.events / EVENTS_PER_UNIT_ESTIMATE) * 1.1) + 20);

  // R(a, b): a uniform draw in (0, 1) keyed by (seed, a, b).
  // DuckDB's multi-argument hash combines per-argument hashes linearly, so draws keyed (a, 1) and
  // (a, 2) would be dependent; hashing again after mixing in the stream number avalanches them.
  await db.run(`CREATE OR REPLACE TEMP MACRO g_r(a, b) AS
                (hash(xor(hash(${seed}::BIGINT, a::BIGINT), b::UBIGINT))::DOUBLE + 0.5) / 18446744073709551616.0`);
  await db.run(`CREATE OR REPLACE TEMP MACRO g_normal(a, b) AS sqrt(-2 * ln(g_r(a, b))) * cos(2 * pi() * g_r(a, b + 1))`);

  const experiments = SCALE_EXPERIMENTS;
  const totalShare = experiments.reduce((s, e) => s + e.trafficShare, 0);
  let cumulative = 0;
  const expRows = experiments.map((e, i) => {
    const lo = cumulative / totalShare;
    cumulative += e.trafficShare;
    const control = e.variants.find((x) => x.isControl)!;
    return `(${i}, ${sqlString(e.experimentId)}, ${lo}, ${cumulative / totalShare}, ${e.variants.length}, ${control.conversionRate}, ${control.meanOrderValueCents}, ${control.retentionD1}, ${control.retentionD7})`;
  });
  await db.run(`CREATE OR REPLACE TEMP TABLE g_exp (e INTEGER, experiment_id VARCHAR, share_lo DOUBLE, share_hi DOUBLE, arms INTEGER,
                c_conv DOUBLE, c_aov DOUBLE, c_d1 DOUBLE, c_d7 DOUBLE); INSERT INTO g_exp VALUES ${expRows.join(', ')}`);
  const varRows = experiments.flatMap((e, i) => e.variants.map((x, j) =>
    `(${i}, ${j}, ${sqlString(x.variantId)}, ${x.isControl}, ${x.conversionRate}, ${x.meanOrderValueCents}, ${x.retentionD1}, ${x.retentionD7})`));
  await db.run(`CREATE OR REPLACE TEMP TABLE g_var (e INTEGER, v INTEGER, variant_id VARCHAR, is_control BOOLEAN, conv DOUBLE, aov DOUBLE,
                d1 DOUBLE, d7 DOUBLE); INSERT INTO g_var VALUES ${varRows.join(', ')}`);

  // Units and their latent traits. Segment factors are normalised to mean 1 over the mix.
  await db.run(`
    CREATE OR REPLACE TEMP TABLE g_units AS
    SELECT u, seg, store,
      (CASE WHEN hi THEN 4.0 ELSE 0.25 END) * exp(0.3 * z - 0.045) AS propensity,
      (CASE WHEN hi THEN 1.2 ELSE 0.95 END) * exp(0.6 * z - 0.18) AS activity,
      [0.85, 1.0, 1.8][seg + 1] / 1.05 * exp(0.5 * g_normal(u, 7) - 0.125) AS value_level,
      (SELECT e FROM g_exp WHERE share_lo <= rp AND rp < share_hi) AS primary_e,
      -- never in the last 2.5 h of the run: day 0 has room for a checkout after every exposure
      ${start} + floor(g_r(u, 9) * ${options.days * DAY_MS - 9_000_000})::BIGINT AS t0_raw
    FROM (
      SELECT range AS u,
        CASE WHEN g_r(range, 1) < 0.5 THEN 0 WHEN g_r(range, 1) < 0.9 THEN 1 ELSE 2 END AS seg,
        CASE WHEN g_r(range, 2) < 0.5 THEN 0 WHEN g_r(range, 2) < 0.75 THEN 1 WHEN g_r(range, 2) < 0.9 THEN 2 ELSE 3 END AS store,
        g_r(range, 3) < 0.2 AS hi, g_normal(range, 4) AS z, g_r(range, 6) AS rp
      FROM range(1, ${units + 1})
    )`);

  // (unit, experiment): the primary experiment, and each other one with probability 0.15.
  await db.run(`
    CREATE OR REPLACE TEMP TABLE g_ue AS
    SELECT u.u, x.e, x.arms,
      floor(g_r(u.u, 100 + x.e) * x.arms)::INTEGER AS v,
      CASE WHEN x.e = u.primary_e THEN u.t0_raw ELSE u.t0_raw + 1000 + floor(g_r(u.u, 110 + x.e) * 1799000)::BIGINT END AS t_exp,
      CASE WHEN g_r(u.u, 120 + x.e) < 0.25 THEN 1 + (g_r(u.u, 121 + x.e) < 0.5)::INTEGER ELSE 0 END AS repeats,
      g_r(u.u, 130 + x.e) < 0.005 AS multiple
    FROM g_units u, g_exp x
    WHERE x.e = u.primary_e OR g_r(u.u, 140 + x.e) < 0.15`);

  // Per unit: the combined arm parameters (primary control × Π arm / control over its experiments).
  await db.run(`
    CREATE OR REPLACE TEMP TABLE g_ut AS
    SELECT u.u, u.seg, u.store, u.t0_raw AS t0,
      least(0.95, p.c_conv * f.conv * u.propensity * [0.8, 1.1, 1.5][u.seg + 1] / 1.02) AS p_conv,
      least(0.9, 1.5 * p.c_conv * u.propensity * [2, 3.5, 5][u.seg + 1] / 3.9) AS p_pre_order,
      p.c_aov * f.aov * u.value_level AS aov,
      -- daily activity: D1 and D7 rates × activity × segment factor, capped; pre-period by segment
      least(0.98, p.c_d1 * f.d1 * u.activity * [0.6, 1.25, 1.6][u.seg + 1] / 0.96) AS p_d1,
      least(0.98, p.c_d7 * f.d7 * u.activity * [0.6, 1.25, 1.6][u.seg + 1] / 0.96) AS p_d7,
      least(0.98, [0.02, 0.08, 0.12][u.seg + 1] * u.activity) AS p_pre_active,
      f.annual
    FROM g_units u JOIN g_exp p ON p.e = u.primary_e
    JOIN (
      SELECT ue.u, exp(sum(ln(gv.conv / x.c_conv))) AS conv, exp(sum(ln(gv.aov / x.c_aov))) AS aov,
             exp(sum(ln(gv.d1 / x.c_d1))) AS d1, exp(sum(ln(gv.d7 / x.c_d7))) AS d7,
             bool_or(contains(gv.variant_id, 'annual')) AS annual
      FROM g_ue ue JOIN g_var gv ON gv.e = ue.e AND gv.v = ue.v JOIN g_exp x ON x.e = ue.e GROUP BY ue.u
    ) f ON f.u = u.u`);
  await db.run(`ALTER TABLE g_ut ADD COLUMN converter BOOLEAN; UPDATE g_ut SET converter = g_r(u, 300) < p_conv`);

  // Active unit-days: k in [−14, −1] pre-period, k ≥ 0 post (day 0 always), cut at the end of the
  // run. `dk` keys a unit-day's draws.
  await db.run(`
    CREATE OR REPLACE TEMP TABLE g_days AS
    SELECT u, k, dk, lo, hi, seg, store, annual, aov,
      1 + (g_r(dk, 201) < 0.259)::INTEGER + (g_r(dk, 201) < 0.037)::INTEGER AS page_views,
      CASE WHEN hi - lo < 3600000 THEN 0
           WHEN k < 0 AND g_r(dk, 202) < p_pre_order THEN 2
           WHEN k = 0 AND converter THEN 2
           WHEN k > 0 AND converter AND g_r(dk, 202) < 0.12 THEN 2
           WHEN g_r(dk, 203) < 0.06 THEN 1 ELSE 0 END AS funnel
    FROM (
      SELECT t.u, d.k, t.u * 64 + d.k + 14 AS dk, t.t0 + d.k * ${DAY_MS} AS lo, least(t.t0 + (d.k + 1) * ${DAY_MS}, ${end}) AS hi,
        t.converter, t.p_pre_order, t.aov, t.annual, t.seg, t.store
      FROM g_ut t, range(-14, ${options.days}) d(k)
      WHERE t.t0 + d.k * ${DAY_MS} < ${end}
        AND (d.k = 0 OR g_r(t.u * 64 + d.k + 14, 200) < CASE
          WHEN d.k < 0 THEN t.p_pre_active
          WHEN d.k = 1 THEN t.p_d1 WHEN d.k = 7 THEN t.p_d7
          WHEN d.k < 7 THEN t.p_d1 * pow(t.p_d7 / t.p_d1, (d.k - 1) / 6.0)
          ELSE t.p_d7 * pow(0.97, d.k - 7) END)
    )`);

  // Events, compactly: kind 0 page_view, 1 exposure, 2 checkout.started, 3 checkout.completed.
  // A funnel's page view (slot 0) leaves 15 min before its day ends; the checkout follows it.
  await db.run(`
    CREATE OR REPLACE TEMP TABLE g_events AS
    SELECT u, kind, NULL::INTEGER AS e, NULL::INTEGER AS v, k, i,
      CASE WHEN kind = 0 THEN (CASE WHEN i = 0 AND funnel > 0 THEN t_pv ELSE lo + floor(g_r(dk, 210 + i) * (hi - lo))::BIGINT END)
           WHEN kind = 2 THEN t_pv + 1000 + floor(g_r(dk, 220) * 299000)::BIGINT
           ELSE t_pv + 301000 + floor(g_r(dk, 221) * 599000)::BIGINT END AS t,
      CASE WHEN kind = 3 THEN greatest(1, round(aov * exp(0.35 * g_normal(dk, 230) - 0.06125)))::BIGINT END AS revenue,
      seg, store, CASE WHEN kind >= 2 THEN (CASE WHEN seg = 2 THEN 2 WHEN annual THEN 1 ELSE 0 END) END AS plan
    FROM (
      SELECT d.*, s.i, CASE WHEN s.i < 3 THEN 0 WHEN s.i = 3 THEN 2 ELSE 3 END AS kind,
        CASE WHEN d.funnel > 0 THEN d.lo + floor(g_r(d.dk, 210) * (d.hi - d.lo - 900000))::BIGINT END AS t_pv
      FROM g_days d, range(0, 5) s(i)
      WHERE (s.i < 3 AND s.i < d.page_views) OR (s.i = 3 AND d.funnel >= 1) OR (s.i = 4 AND d.funnel = 2)
    )
    UNION ALL
    SELECT ue.u, 1, ue.e,
      CASE WHEN s.i = 3 THEN (ue.v + 1 + floor(g_r(ue.u * 8 + ue.e, 240) * (ue.arms - 1))::INTEGER) % ue.arms ELSE ue.v END,
      0, 10 + ue.e * 4 + s.i,
      CASE WHEN s.i = 0 THEN ue.t_exp ELSE ue.t_exp + 1 + floor(g_r(ue.u * 8 + ue.e, 250 + s.i) * 3600000)::BIGINT END,
      NULL, t.seg, t.store, NULL
    FROM g_ue ue JOIN g_ut t ON t.u = ue.u, range(0, 4) s(i)
    WHERE s.i = 0 OR (s.i <= ue.repeats AND s.i < 3) OR (s.i = 3 AND ue.multiple)`);

  // Cut to exactly `events` rows: whole units in id order, then the first events of the last one.
  const cut = (await db.query<{ u: bigint | null; before: bigint | null }>(`
    WITH per_unit AS (SELECT u, count(*) AS n FROM g_events GROUP BY u),
    running AS (SELECT u, sum(n) OVER (ORDER BY u) AS upto FROM per_unit)
    SELECT min(u) AS u, (SELECT coalesce(max(upto), 0) FROM running WHERE upto < $n) AS before FROM running WHERE upto >= $n`,
  { n: options.events }))[0]!;
  if (cut.u === null) throw new RangeError('generator produced too few events; raise EVENTS_PER_UNIT_ESTIMATE headroom');
  await db.run(`
    CREATE OR REPLACE TEMP TABLE g_log AS
    SELECT * FROM g_events WHERE u < $cu
    UNION ALL
    SELECT * EXCLUDE (rn) FROM (SELECT *, row_number() OVER (ORDER BY t, kind, i) AS rn FROM g_events WHERE u = $cu) WHERE rn <= $rest`,
  { cu: cut.u, rest: options.events - Number(cut.before) });
  await db.run('DROP TABLE g_events; DROP TABLE g_days; DROP TABLE g_ue; DROP TABLE g_units');

  // Broken rows replace page views; a handful of valid rows get other timestamp formats.
  const share = options.brokenShare;
  const reasons = options.quoted ? 5 : 4;
  const reasonOf = `CASE WHEN kind = 0 AND g_r(u * 4096 + (k + 14) * 8 + i, 900) < ${reasons * share}
                         THEN 1 + floor(g_r(u * 4096 + (k + 14) * 8 + i, 901) * ${reasons})::INTEGER ELSE 0 END`;
  const format = `CASE WHEN g_r(u * 4096 + (k + 14) * 8 + i, 902) < 0.00002 THEN 1 WHEN g_r(u * 4096 + (k + 14) * 8 + i, 902) < 0.00004 THEN 2 ELSE 0 END`;
  await db.run(`ALTER TABLE g_log ADD COLUMN broken INTEGER; ALTER TABLE g_log ADD COLUMN tsfmt INTEGER;
                UPDATE g_log SET broken = ${reasonOf}, tsfmt = ${format}`);
  // At least one row of each reason when broken rows are asked for (small logs).
  if (share > 0) {
    await db.run(`
      UPDATE g_log SET broken = r.reason FROM (
        SELECT reason, (SELECT arg_min(rowid, hash(u, k, i)) FROM g_log WHERE kind = 0 AND broken = 0 AND u % ${reasons} = reason - 1) AS rid
        FROM range(1, ${reasons + 1}) t(reason) WHERE NOT EXISTS (SELECT 1 FROM g_log WHERE broken = t.reason)
      ) r WHERE g_log.rowid = r.rid`);
  }

  const multiline = options.quoted ? `kind = 0 AND broken = 0 AND g_r(u * 4096 + (k + 14) * 8 + i, 903) < ${options.multilineShare ?? 0.001}` : 'FALSE';
  await db.run(`ALTER TABLE g_log ADD COLUMN multiline BOOLEAN; UPDATE g_log SET multiline = ${multiline}`);
  const fields = rowFieldsSql(options.quoted === true);
  await writeLog(db, path, options.format, fields, options.quoted === true);
  const multilineRows = Number((await db.query<{ n: bigint }>('SELECT count(*) AS n FROM g_log WHERE multiline'))[0]!.n);
  const counts = (await db.query<{ broken: number; n: bigint }>('SELECT broken, count(*) AS n FROM g_log GROUP BY broken')).map((r) => [r.broken, Number(r.n)] as const);
  const units_ = Number((await db.query<{ n: bigint }>('SELECT count(DISTINCT u) AS n FROM g_log'))[0]!.n);
  await db.run('DROP TABLE g_log; DROP TABLE g_ut; DROP TABLE g_var; DROP TABLE g_exp');
  const byReason = (reason: number): number => counts.find(([r]) => r === reason)?.[1] ?? 0;
  const broken: Record<BrokenRowReason, number> = {
    missing_user_id: byReason(1), bad_timestamp: byReason(2), negative_revenue: byReason(3), wrong_column_count: byReason(4),
  };
  const rows = counts.reduce((s, [, n]) => s + n, 0);
  return {
    options, path, bytes: (await stat(path)).size, rowsWritten: rows, validRows: byReason(0), brokenRows: broken,
    malformedRows: byReason(5), multilineRows, units: units_,
    experiments, seconds: (performance.now() - started) / 1000,
  };
}

/**
 * SQL of each canonical column (text, NULL for empty) of a `g_log` row, broken rows applied; with
 * `quoted`, the values of real exports' shape (see {@link ScaleOptions.quoted}), still unquoted.
 */
function rowFieldsSql(quoted: boolean): Record<(typeof EVENT_LOG_COLUMNS)[number], string> {
  const iso = `strftime(make_timestamp(t * 1000), '%Y-%m-%dT%H:%M:%S.%gZ')`;
  return {
    event_name: `CASE WHEN broken = 3 THEN 'checkout.completed' ELSE ['page_view', 'experiment.exposure', 'checkout.started', 'checkout.completed'][kind + 1] END`,
    event_version: quoted ? `CASE WHEN multiline THEN '1.0' || chr(10) || 'beta' ELSE '1.0' END` : `'1.0'`,
    timestamp: `CASE WHEN broken = 2 THEN 'not-a-date' WHEN tsfmt = 1 THEN t::VARCHAR
                     WHEN tsfmt = 2 THEN strftime(make_timestamp(t * 1000), '%Y-%m-%d %H:%M:%S') ELSE ${iso} END`,
    user_id: `CASE WHEN broken = 1 THEN NULL ELSE 'user_' || u END`,
    experiment_id: 'x_experiment',
    variant_id: 'x_variant',
    is_control: `CASE WHEN kind = 1 THEN x_control::VARCHAR END`,
    user_segment: quoted ? `['new', 'returning', 'b2b, enterprise'][seg + 1]` : `['new', 'returning', 'b2b'][seg + 1]`,
    plan_code: `CASE WHEN broken = 3 THEN 'pro-monthly' ELSE ['pro-monthly', 'pro-annual', 'team-annual'][plan + 1] END`,
    revenue_cents: `CASE WHEN broken = 3 THEN '-500' ELSE revenue::VARCHAR END`,
    currency: `CASE WHEN kind = 3 OR broken = 3 THEN 'EUR' END`,
    // ids are numbers: u · 4096 + day · 64 + slot for requests, u · 64 + day for sessions and orders
    request_id: `'req_' || (u * 4096 + (k + 14) * 64 + i)`,
    session_id: `'sess_' || (u * 64 + k + 14)`,
    store_id: `['store-de', 'store-fr', 'store-nl', 'store-at'][store + 1]`,
    order_id: `CASE WHEN kind = 3 OR broken = 3 THEN 'ord_' || (u * 64 + k + 14) END`,
  };
}

async function writeLog(db: Database, path: string, format: ScaleFormat, fields: Record<string, string>, quoted: boolean): Promise<void> {
  const exprs = EVENT_LOG_COLUMNS.map((c) => fields[c]!);
  // RFC 4180 quoting of a CSV field that needs it; a malformed row's segment opens a quote only.
  const csvField = (e: string, column: string): string => {
    if (!quoted) return e;
    const field = `CASE WHEN regexp_matches(${e}, '[",\n\r]') THEN '"' || replace(${e}, '"', '""') || '"' ELSE ${e} END`;
    return column === 'user_segment' ? `CASE WHEN broken = 5 THEN '"' || (${e}) ELSE ${field} END` : field;
  };
  const joined = `(SELECT g_log.*, g_exp.experiment_id AS x_experiment, g_var.variant_id AS x_variant, g_var.is_control AS x_control
                   FROM g_log LEFT JOIN g_exp ON g_exp.e = g_log.e LEFT JOIN g_var ON g_var.e = g_log.e AND g_var.v = g_log.v)`;
  const order = 'ORDER BY t, u, k, i';
  const target = sqlString(path);
  if (format === 'csv') {
    // One text column per line, written verbatim (no field needs quoting), so that the
    // wrong-column-count rows can lose their last field.
    // A broken row of that kind is a page view (empty `order_id`): its line minus the last comma.
    const all = `concat_ws(',', ${exprs.map((e, i) => `coalesce(${csvField(e, EVENT_LOG_COLUMNS[i]!)}, '')`).join(', ')})`;
    await db.run(`COPY (SELECT CASE WHEN broken = 4 THEN substr(line, 1, length(line) - 1) ELSE line END AS ${quoteHeader(EVENT_LOG_COLUMNS.join(','))}
                  FROM (SELECT ${all} AS line, broken, t, u, k, i FROM ${joined}) ${order})
                  TO ${target} (FORMAT csv, HEADER true, QUOTE '', ESCAPE '', DELIMITER chr(1))`);
  } else if (format === 'ndjson') {
    const object = exprs.map((e, i) => `${quoteHeader(EVENT_LOG_COLUMNS[i]!)} := ${e}`).join(', ');
    const array = exprs.slice(0, -1).map((e) => e).join(', ');
    await db.run(`COPY (SELECT CASE WHEN broken = 4 THEN to_json([${array}])::VARCHAR ELSE to_json(struct_pack(${object}))::VARCHAR END AS line
                  FROM ${joined} ${order}) TO ${target} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER chr(1))`);
  } else {
    // Parquet has no wrong column count: those rows are written whole (and are valid).
    const select = exprs.map((e, i) => `(${e})::VARCHAR AS ${quoteHeader(EVENT_LOG_COLUMNS[i]!)}`).join(', ');
    await db.run(`COPY (SELECT ${select} FROM ${joined} ${order}) TO ${target} (FORMAT parquet, COMPRESSION zstd)`);
    await db.run(`UPDATE g_log SET broken = 0 WHERE broken = 4`);
  }
}

function quoteHeader(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function validate(options: ScaleOptions): void {
  if (!Number.isSafeInteger(options.events) || options.events < 100) throw new RangeError('events must be an integer ≥ 100');
  if (!Number.isSafeInteger(options.seed)) throw new RangeError('seed must be a safe integer');
  if (!Number.isSafeInteger(options.days) || options.days < 8) throw new RangeError('days must be an integer ≥ 8');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.startDate) || Number.isNaN(Date.parse(options.startDate))) throw new RangeError('startDate must be YYYY-MM-DD');
  if (!(options.brokenShare >= 0 && options.brokenShare < 0.05)) throw new RangeError('brokenShare must be in [0, 0.05)');
  if (!['csv', 'parquet', 'ndjson'].includes(options.format)) throw new RangeError('format must be csv, parquet or ndjson');
  if (options.quoted && options.format !== 'csv') throw new RangeError('quoted applies to CSV only');
  if (options.multilineShare !== undefined && !(options.multilineShare >= 0 && options.multilineShare < 0.5)) throw new RangeError('multilineShare must be in [0, 0.5)');
}
