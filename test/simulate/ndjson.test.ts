/** NDJSON writer: one JSON object per line with the canonical keys; broken rows as in the CSV. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_LOG_COLUMNS, defaultScenario, writeEventLogNdjson } from '../../data/simulate/index.ts';
import { parseTimestamp } from './parse-log.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sim-ndjson-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeEventLogNdjson', () => {
  it('writes objects with the canonical keys and counts matching the truth', async () => {
    const options = defaultScenario({ units: 1500, seed: 3 });
    const truth = await writeEventLogNdjson(join(dir, 'events.ndjson'), options);
    const text = await readFile(join(dir, 'events.ndjson'), 'utf8');
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.length).toBe(truth.rowsWritten);
    const counts = { valid: 0, missing_user_id: 0, bad_timestamp: 0, wrong_column_count: 0, negative_revenue: 0 };
    for (const line of lines) {
      const value: unknown = JSON.parse(line);
      if (Array.isArray(value)) {
        expect(value.length).toBe(EVENT_LOG_COLUMNS.length - 1);
        counts.wrong_column_count += 1;
        continue;
      }
      const row = value as Record<string, unknown>;
      expect(Object.keys(row)).toEqual([...EVENT_LOG_COLUMNS]);
      if (row.user_id === '') counts.missing_user_id += 1;
      else if (Number.isNaN(parseTimestamp(String(row.timestamp)))) counts.bad_timestamp += 1;
      else if (typeof row.revenue_cents === 'number' && row.revenue_cents < 0) counts.negative_revenue += 1;
      else {
        counts.valid += 1;
        expect(typeof row.timestamp).toBe('string');
        if (row.event_name === 'experiment.exposure') expect(typeof row.is_control).toBe('boolean');
        else expect(row.is_control).toBeNull();
        if (row.event_name === 'checkout.completed') expect(Number.isInteger(row.revenue_cents)).toBe(true);
        else expect(row.revenue_cents).toBeNull();
      }
    }
    expect(counts).toEqual({ valid: truth.validRows, ...truth.brokenRows });
  });

  it('gzips when the path ends in .gz', async () => {
    const options = defaultScenario({ units: 300 });
    await writeEventLogNdjson(join(dir, 'a.ndjson'), options);
    await writeEventLogNdjson(join(dir, 'nested/a.ndjson.gz'), options);
    const plain = await readFile(join(dir, 'a.ndjson'));
    expect(gunzipSync(await readFile(join(dir, 'nested/a.ndjson.gz'))).equals(plain)).toBe(true);
  });
});
