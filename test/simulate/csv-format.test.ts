/** RFC 4180 quoting and the record shape of every kind of row. */
import { describe, expect, it } from 'vitest';
import { collectEventLog, csvField, csvRecord, defaultScenario, isBrokenRow, ndjsonRecord } from '../../data/simulate/index.ts';

describe('csvField', () => {
  it('quotes only where needed', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('')).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });

  it('quotes an experiment id with a comma', () => {
    const options = defaultScenario({ units: 30 });
    options.experiments[0]!.experimentId = 'promo, "Q2"';
    const { rows } = collectEventLog(options);
    const exposure = rows.find((r) => !isBrokenRow(r) && r.experiment_id === 'promo, "Q2"');
    expect(exposure).toBeDefined();
    expect(csvRecord(exposure!)).toContain(',"promo, ""Q2""",');
    expect(JSON.parse(ndjsonRecord(exposure!)).experiment_id).toBe('promo, "Q2"');
  });
});

describe('csvRecord', () => {
  it('writes booleans, cents and empty fields; drops one field for wrong_column_count', () => {
    const { rows } = collectEventLog(defaultScenario({ units: 400 }));
    for (const row of rows) {
      const fields = csvRecord(row).split(',');
      if (isBrokenRow(row) && row.brokenReason === 'wrong_column_count') expect(fields.length).toBe(14);
      else expect(fields.length).toBe(15);
    }
    const exposure = rows.find((r) => !isBrokenRow(r) && r.event_name === 'experiment.exposure')!;
    expect(['true', 'false']).toContain(csvRecord(exposure).split(',')[6]);
    const order = rows.find((r) => !isBrokenRow(r) && r.event_name === 'checkout.completed')!;
    expect(csvRecord(order).split(',')[9]).toMatch(/^[1-9]\d*$/);
    const broken = rows.filter(isBrokenRow).map((r) => r.brokenReason).sort();
    expect(broken).toEqual(['bad_timestamp', 'bad_timestamp', 'bad_timestamp', 'missing_user_id', 'missing_user_id', 'missing_user_id', 'negative_revenue', 'negative_revenue', 'negative_revenue', 'wrong_column_count', 'wrong_column_count', 'wrong_column_count']);
  });
});
