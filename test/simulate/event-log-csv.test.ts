/**
 * The default scenario's CSV, read back with an independent splitter: shape, validity, the truth's
 * counts, and the true effects visible in raw per-unit values (docs/analysis-definitions.md).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EVENT_LOG_COLUMNS,
  EVENT_LOG_CSV_HEADER,
  defaultScenario,
  writeEventLogCsv,
  type SimulationTruth,
} from '../../data/simulate/index.ts';
import {
  EPOCH_MS,
  ISO_MS,
  ZONELESS,
  correlationSquared,
  mean,
  parseLog,
  unitMetrics,
  variance,
  welchZ,
  type ExperimentUnits,
  type ParsedLog,
  type UnitMetrics,
} from './parse-log.ts';

let dir: string;
let truth: SimulationTruth;
let text: string;
let log: ParsedLog;
let byExperiment: Map<string, ExperimentUnits>;
let writeMs: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sim-csv-'));
  const started = performance.now();
  truth = await writeEventLogCsv(join(dir, 'events.csv'), defaultScenario());
  writeMs = performance.now() - started;
  text = await readFile(join(dir, 'events.csv'), 'utf8');
  log = parseLog(text);
  byExperiment = unitMetrics(log.events);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const arm = (exp: string, variant: string): UnitMetrics[] => byExperiment.get(exp)!.units.filter((u) => u.variant === variant);
const pick = (units: UnitMetrics[], key: 'conversion' | 'revenue' | 'd1' | 'd7'): number[] =>
  units.map((u) => u[key]).filter((v): v is number => v !== null);

describe('default scenario CSV: shape', () => {
  it('writes fast enough for the demo', () => {
    expect(writeMs).toBeLessThan(15_000);
  });

  it('has the exact header, LF line endings and a final newline', () => {
    expect(log.header).toBe(EVENT_LOG_CSV_HEADER);
    expect(EVENT_LOG_CSV_HEADER).toBe(
      'event_name,event_version,timestamp,user_id,experiment_id,variant_id,is_control,user_segment,plan_code,revenue_cents,currency,request_id,session_id,store_id,order_id',
    );
    expect(text.includes('\r')).toBe(false);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.includes('"')).toBe(false);
  });

  it('has 15 fields on every row except the deliberately short ones', () => {
    const counts = new Map<number, number>();
    for (const line of log.dataLines) {
      const n = line.split(',').length;
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([14, 15]);
    expect(counts.get(14)).toBe(truth.brokenRows.wrong_column_count);
    expect(counts.get(15)).toBe(log.dataLines.length - truth.brokenRows.wrong_column_count);
  });
});

describe('default scenario CSV: the truth counts match the file', () => {
  it('rows written, valid rows and broken rows per reason', () => {
    expect(truth.rowsWritten).toBe(log.dataLines.length);
    expect(log.classes.other_invalid).toBe(0);
    expect(log.classes.valid).toBe(truth.validRows);
    for (const reason of ['missing_user_id', 'bad_timestamp', 'wrong_column_count', 'negative_revenue'] as const) {
      expect(truth.brokenRows[reason], reason).toBeGreaterThanOrEqual(2);
      expect(log.classes[reason], reason).toBe(truth.brokenRows[reason]);
    }
    expect(truth.validRows + Object.values(truth.brokenRows).reduce((s, n) => s + n, 0)).toBe(truth.rowsWritten);
  });

  it('timestamp formats: ISO with Z and ms, a handful of epoch ms and zone-less', () => {
    const counts = { iso: 0, epochMillis: 0, zoneless: 0 };
    for (const e of log.events) {
      if (ISO_MS.test(e.timestampText)) counts.iso += 1;
      else if (EPOCH_MS.test(e.timestampText)) counts.epochMillis += 1;
      else if (ZONELESS.test(e.timestampText)) counts.zoneless += 1;
    }
    expect(counts).toEqual(truth.timestampFormats);
    expect(counts.epochMillis).toBe(5);
    expect(counts.zoneless).toBe(5);
  });

  it('event counts, data start and end', () => {
    const counts: Record<string, number> = {};
    let start = Infinity;
    let end = -Infinity;
    for (const e of log.events) {
      counts[e.name] = (counts[e.name] ?? 0) + 1;
      start = Math.min(start, e.t);
      end = Math.max(end, e.t);
    }
    expect(counts).toEqual(truth.eventCounts);
    expect(Object.keys(counts).sort()).toEqual(['checkout.completed', 'checkout.started', 'experiment.exposure', 'page_view']);
    expect(new Date(start).toISOString()).toBe(truth.dataStart);
    expect(new Date(end).toISOString()).toBe(truth.dataEnd);
    expect(truth.dataEnd < '2026-03-23T00:00:00.000Z').toBe(true);
    expect(truth.dataStart >= '2026-02-16T00:00:00.000Z').toBe(true);
  });

  it('units per experiment and variant, multiple exposures and overlap', () => {
    for (const exp of truth.experiments) {
      const seen = byExperiment.get(exp.experimentId)!;
      expect(seen.firstVariantCounts).toEqual(exp.unitsByVariant);
      expect(seen.multipleExposureUnits).toBe(exp.multipleExposureUnits);
      const analysable: Record<string, number> = {};
      for (const u of seen.units) analysable[u.variant] = (analysable[u.variant] ?? 0) + 1;
      expect(analysable).toEqual(exp.analyzableUnitsByVariant);
      for (const v of exp.parameters.variants) expect(exp.expected[v.variantId]!.units).toBe(analysable[v.variantId]);
      // ≈ 0.5 % multiple exposures (a warning only above 1 %), and no sample-ratio mismatch.
      expect(exp.multipleExposureUnits / exp.units).toBeGreaterThan(0.002);
      expect(exp.multipleExposureUnits / exp.units).toBeLessThan(0.01);
      const counts = Object.values(exp.analyzableUnitsByVariant);
      const expectedEach = counts.reduce((s, n) => s + n, 0) / counts.length;
      const chi2 = counts.reduce((s, n) => s + (n - expectedEach) ** 2 / expectedEach, 0);
      expect(chi2).toBeLessThan(10.8); // p > 0.001 for 1–2 degrees of freedom
      expect(exp.repeatedExposureUnits).toBeGreaterThan(0);
    }
    const usersPerExperiment = new Map<string, Set<string>>();
    for (const e of log.events) {
      if (e.name !== 'experiment.exposure') continue;
      let s = usersPerExperiment.get(e.user);
      if (!s) usersPerExperiment.set(e.user, (s = new Set()));
      s.add(e.experiment);
    }
    expect(usersPerExperiment.size).toBe(truth.units);
    expect([...usersPerExperiment.values()].filter((s) => s.size > 1).length).toBe(truth.unitsInSeveralExperiments);
    expect(truth.unitsInSeveralExperiments).toBeGreaterThan(0);
  });
});

describe('default scenario CSV: every other row is valid and realistic', () => {
  it('no duplicate rows; request ids unique', () => {
    expect(new Set(log.dataLines).size).toBe(log.dataLines.length);
    const ids = log.dataLines.map((l) => l.split(',')[11]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('exposures carry experiment, variant and is_control; conversions carry revenue, EUR and an order id', () => {
    const control = new Map(truth.experiments.flatMap((e) => e.parameters.variants.map((v) => [`${e.experimentId}/${v.variantId}`, String(v.isControl)])));
    const orderIds = new Set<string>();
    const problems: string[] = [];
    for (const e of log.events) {
      const ok =
        ['new', 'returning', 'b2b'].includes(e.segment) &&
        (e.name === 'experiment.exposure'
          ? control.get(`${e.experiment}/${e.variant}`) === e.isControl
          : e.experiment === '' && e.variant === '' && e.isControl === '') &&
        (e.name === 'checkout.completed'
          ? e.revenue > 0 && e.currency === 'EUR' && e.orderId !== ''
          : e.revenue === 0 && e.currency === '' && e.orderId === '');
      if (!ok) problems.push(`line ${e.line}`);
      if (e.name === 'checkout.completed') orderIds.add(e.orderId);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(orderIds.size).toBe(truth.eventCounts['checkout.completed']);
  });

  it('rows are in timestamp order (zone-less rows lose < 1 s)', () => {
    let previous = -Infinity;
    let outOfOrder = 0;
    for (const e of log.events) {
      if (e.t < previous - 1000) outOfOrder += 1;
      previous = Math.max(previous, e.t);
    }
    expect(outOfOrder).toBe(0);
  });

  it('spreads first exposures over the run', () => {
    const perDay = new Map<string, number>();
    for (const exp of byExperiment.values()) {
      for (const u of exp.units) {
        const day = new Date(u.t0).toISOString().slice(0, 10);
        perDay.set(day, (perDay.get(day) ?? 0) + 1);
      }
    }
    expect(perDay.size).toBe(21);
    expect([...perDay.keys()].sort()[0]).toBe('2026-03-02');
    const counts = [...perDay.values()];
    expect(Math.min(...counts)).toBeGreaterThan(0.5 * mean(counts));
  });
});

describe('default scenario: true effects and CUPED', () => {
  it('checkout-redesign: treatment converts clearly better', () => {
    const c = pick(arm('checkout-redesign', 'control'), 'conversion');
    const t = pick(arm('checkout-redesign', 'treatment'), 'conversion');
    expect(mean(t)).toBeGreaterThan(mean(c));
    expect(welchZ(c, t)).toBeGreaterThan(3.3); // p < 0.001 before CUPED
  });

  it('spring-offer: annual-20off better, monthly-10off worse on revenue per user', () => {
    const c = arm('spring-offer', 'control');
    const annual = arm('spring-offer', 'annual-20off');
    const monthly = arm('spring-offer', 'monthly-10off');
    expect(mean(pick(annual, 'revenue'))).toBeGreaterThan(mean(pick(c, 'revenue')));
    expect(mean(pick(monthly, 'revenue'))).toBeLessThan(mean(pick(c, 'revenue')));
    expect(welchZ(pick(c, 'revenue'), pick(annual, 'revenue'))).toBeGreaterThan(3);
    expect(welchZ(pick(c, 'revenue'), pick(monthly, 'revenue'))).toBeLessThan(-2);
    expect(mean(pick(annual, 'conversion'))).toBeGreaterThan(mean(pick(c, 'conversion')));
  });

  it('raw arm values agree with the truth expectations within sampling error', () => {
    for (const exp of truth.experiments) {
      for (const v of exp.parameters.variants) {
        const units = arm(exp.experimentId, v.variantId);
        const expected = exp.expected[v.variantId]!;
        for (const [key, want] of [
          ['conversion', expected.conversionRate],
          ['revenue', expected.revenuePerUserCents],
          ['d1', expected.retentionD1],
          ['d7', expected.retentionD7],
        ] as const) {
          const xs = pick(units, key);
          const se = Math.sqrt(variance(xs) / xs.length);
          expect(Math.abs(mean(xs) - want!), `${exp.experimentId}/${v.variantId} ${key}`).toBeLessThan(4 * se);
        }
        expect(pick(units, 'd1').length).toBe(expected.matureUnitsD1);
        expect(pick(units, 'd7').length).toBe(expected.matureUnitsD7);
      }
    }
  });

  it('the truth expectations follow the parameters', () => {
    for (const exp of truth.experiments) {
      for (const v of exp.parameters.variants) {
        const e = exp.expected[v.variantId]!;
        expect(e.conversionRate! / v.conversionRate).toBeGreaterThan(0.85);
        expect(e.conversionRate! / v.conversionRate).toBeLessThan(1.3);
        expect(e.averageOrderValueCents! / v.meanOrderValueCents).toBeGreaterThan(0.9);
        expect(e.averageOrderValueCents! / v.meanOrderValueCents).toBeLessThan(1.15);
        expect(Math.abs(e.retentionD1! - v.retentionD1)).toBeLessThan(0.05);
        expect(Math.abs(e.retentionD7! - v.retentionD7)).toBeLessThan(0.05);
      }
    }
  });

  it('pre-period behaviour predicts post-period behaviour: CUPED removes 5–30 % of the variance', () => {
    for (const exp of ['checkout-redesign', 'spring-offer']) {
      const units = byExperiment.get(exp)!.units;
      const conv = correlationSquared(units.map((u) => u.preConversion), units.map((u) => u.conversion));
      const rev = correlationSquared(units.map((u) => u.preRevenue), units.map((u) => u.revenue));
      expect(conv, `${exp} conversion`).toBeGreaterThan(0.05);
      expect(conv, `${exp} conversion`).toBeLessThan(0.3);
      expect(rev, `${exp} revenue`).toBeGreaterThan(0.05);
      expect(rev, `${exp} revenue`).toBeLessThan(0.3);
      const mature = units.filter((u) => u.d1 !== null);
      expect(correlationSquared(mature.map((u) => u.preActive), mature.map((u) => u.d1!))).toBeGreaterThan(0.01);
    }
  });

  it('reports the columns in canonical order', () => {
    expect(EVENT_LOG_CSV_HEADER.split(',')).toEqual([...EVENT_LOG_COLUMNS]);
  });
});
