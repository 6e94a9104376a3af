/** Same options → byte-identical output (plain and gzip); a different seed → a different log. */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectEventLog, csvRecord, defaultScenario, isBrokenRow, writeEventLogCsv } from '../../data/simulate/index.ts';

let dir: string;
const small = (overrides: Parameters<typeof defaultScenario>[0] = {}) => defaultScenario({ units: 3000, ...overrides });
const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sim-det-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('determinism', () => {
  it('same seed → same sha256, different seed → different', async () => {
    const a = await writeEventLogCsv(join(dir, 'a.csv'), small());
    const b = await writeEventLogCsv(join(dir, 'b.csv'), small());
    const c = await writeEventLogCsv(join(dir, 'c.csv'), small({ seed: 7 }));
    expect(await sha256(join(dir, 'a.csv'))).toBe(await sha256(join(dir, 'b.csv')));
    expect(await sha256(join(dir, 'a.csv'))).not.toBe(await sha256(join(dir, 'c.csv')));
    expect(b).toEqual(a);
    expect(c.experiments[0]!.unitsByVariant).not.toEqual(a.experiments[0]!.unitsByVariant);
  });

  it('gzip output is deterministic and decompresses to the plain CSV', async () => {
    await writeEventLogCsv(join(dir, 'a.csv'), small());
    await writeEventLogCsv(join(dir, 'a.csv.gz'), small());
    await writeEventLogCsv(join(dir, 'b.csv.gz'), small());
    expect(await sha256(join(dir, 'a.csv.gz'))).toBe(await sha256(join(dir, 'b.csv.gz')));
    const plain = await readFile(join(dir, 'a.csv'));
    const gz = await readFile(join(dir, 'a.csv.gz'));
    expect(gz[0]).toBe(0x1f);
    expect(gz[1]).toBe(0x8b);
    expect(gunzipSync(gz).equals(plain)).toBe(true);
  });

  it('switching broken rows off removes exactly the broken rows', () => {
    const on = collectEventLog(small());
    const off = collectEventLog(small({ brokenRows: false }));
    expect(Object.values(off.truth.brokenRows).every((n) => n === 0)).toBe(true);
    expect(off.rows.every((r) => !isBrokenRow(r))).toBe(true);
    expect(off.rows.map(csvRecord)).toEqual(on.rows.filter((r) => !isBrokenRow(r)).map(csvRecord));
    expect(off.truth.validRows).toBe(on.truth.validRows);
    expect(on.truth.rowsWritten - on.truth.validRows).toBe(12);
  });

  it('the generator is lazy and restartable: two runs yield the same rows', () => {
    const first = collectEventLog(small({ units: 200 }));
    const second = collectEventLog(small({ units: 200 }));
    expect(second.rows).toEqual(first.rows);
    expect(first.truth.rowsWritten).toBe(first.rows.length);
  });
});
