/**
 * The CI share of the importer's fuzz suite (`npm run fuzz` runs any number of cases): a fixed
 * seed's first cases, run in two worker processes, must all keep the promises of docs/security.md
 * ("Imported files") — see test/fuzz/fuzz-case.ts for the checks.
 *
 * FUZZ_SEED and FUZZ_CASES change the seed and the count (default 200; about 100 s on 2 cores).
 */
import { describe, expect, it } from 'vitest';
import { formatReport, runFuzz } from './run-fuzz.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_612);
const CASES = Number(process.env.FUZZ_CASES ?? 200);

describe('importer fuzz (CI share)', () => {
  it(`${CASES} seeded hostile inputs: exit 0 or 2, one-line errors, rows accounted for, database still analyses`, async () => {
    const report = await runFuzz({ seed: SEED, cases: CASES, jobs: 2 });
    expect(report.cases).toBe(CASES);
    expect(report.failed, formatReport(report)).toEqual([]);
  }, 600_000);
});
