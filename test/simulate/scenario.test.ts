/** The default scenario's numbers, overrides and option validation. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectEventLog, defaultScenario, validateSimulationOptions, type SimulationOptions } from '../../data/simulate/index.ts';

describe('defaultScenario', () => {
  it('has the documented defaults and true effects', () => {
    const s = defaultScenario();
    expect(s).toMatchObject({ seed: 20261121, units: 30_000, startDate: '2026-03-02', days: 21, brokenRows: true, multipleExposureShare: 0.005 });
    expect(s.experiments.map((e) => e.experimentId)).toEqual(['checkout-redesign', 'spring-offer']);
    const [checkout, spring] = s.experiments;
    const rate = (variants: SimulationOptions['experiments'][number]['variants'], id: string) => variants.find((v) => v.variantId === id)!;
    expect(checkout!.variants.map((v) => v.variantId)).toEqual(['control', 'treatment']);
    expect(rate(checkout!.variants, 'treatment').conversionRate).toBeGreaterThan(rate(checkout!.variants, 'control').conversionRate);
    expect(spring!.variants.map((v) => v.variantId)).toEqual(['control', 'annual-20off', 'monthly-10off']);
    const rpu = (id: string) => rate(spring!.variants, id).conversionRate * rate(spring!.variants, id).meanOrderValueCents;
    expect(rpu('annual-20off')).toBeGreaterThan(rpu('control'));
    expect(rpu('monthly-10off')).toBeLessThan(rpu('control'));
    for (const e of s.experiments) expect(e.variants.filter((v) => v.isControl).map((v) => v.variantId)).toEqual(['control']);
    expect(() => validateSimulationOptions(s)).not.toThrow();
  });

  it('applies overrides and returns fresh objects', () => {
    const a = defaultScenario({ units: 10, seed: 1, brokenRows: false });
    expect(a).toMatchObject({ units: 10, seed: 1, brokenRows: false, days: 21 });
    a.experiments[0]!.variants[0]!.conversionRate = 0.9;
    expect(defaultScenario().experiments[0]!.variants[0]!.conversionRate).toBe(0.1);
  });
});

describe('validateSimulationOptions', () => {
  const base = (): SimulationOptions => defaultScenario({ units: 50 });
  const cases: [string, (o: SimulationOptions) => void, RegExp][] = [
    ['units = 0', (o) => (o.units = 0), /units/],
    ['fractional units', (o) => (o.units = 1.5), /units/],
    ['days = 0', (o) => (o.days = 0), /days/],
    ['impossible start day', (o) => (o.startDate = '2026-02-30'), /startDate/],
    ['start with a time', (o) => (o.startDate = '2026-03-02T00:00:00Z'), /startDate/],
    ['fractional seed', (o) => (o.seed = 0.5), /seed/],
    ['multipleExposureShare > 1', (o) => (o.multipleExposureShare = 2), /multipleExposureShare/],
    ['no experiments', (o) => (o.experiments = []), /experiment/],
    ['duplicate experimentId', (o) => (o.experiments[1]!.experimentId = o.experiments[0]!.experimentId), /duplicate experimentId/],
    ['one variant', (o) => o.experiments[0]!.variants.pop(), /two variants/],
    ['two controls', (o) => (o.experiments[0]!.variants[1]!.isControl = true), /isControl/],
    ['zero weight', (o) => (o.experiments[0]!.variants[1]!.weight = 0), /weight/],
    ['conversionRate > 1', (o) => (o.experiments[0]!.variants[1]!.conversionRate = 1.2), /conversionRate/],
    ['control retention 0', (o) => (o.experiments[0]!.variants[0]!.retentionD1 = 0), /control's retentionD1/],
    ['order value 0', (o) => (o.experiments[0]!.variants[0]!.meanOrderValueCents = 0), /meanOrderValueCents/],
  ];
  it.each(cases)('rejects %s', (_name, mutate, message) => {
    const o = base();
    mutate(o);
    expect(() => validateSimulationOptions(o)).toThrow(RangeError);
    expect(() => validateSimulationOptions(o)).toThrow(message);
  });

  it('is applied by the generator', () => {
    expect(() => collectEventLog(defaultScenario({ units: -1 }))).toThrow(RangeError);
  });
});

describe('any valid small scenario', () => {
  it('keeps its invariants (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 10 }),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, units, days, brokenRows, multipleExposureShare) => {
          const { rows, truth } = collectEventLog(defaultScenario({ seed, units, days, brokenRows, multipleExposureShare }));
          expect(rows.length).toBe(truth.rowsWritten);
          expect(truth.experiments.reduce((s, e) => s + e.units, 0)).toBe(units + truth.unitsInSeveralExperiments);
          for (const e of truth.experiments) {
            expect(Object.values(e.unitsByVariant).reduce((s, n) => s + n, 0)).toBe(e.units);
            expect(e.multipleExposureUnits).toBeLessThanOrEqual(e.units);
          }
          const end = Date.parse('2026-03-02T00:00:00Z') + days * 86_400_000;
          expect(Date.parse(truth.dataEnd)).toBeLessThan(end);
          if (!brokenRows) expect(truth.validRows).toBe(truth.rowsWritten);
        },
      ),
      { numRuns: 40 },
    );
  });
});
