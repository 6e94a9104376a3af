/** A small simulated demo dataset (6,000 units, both demo experiments) written once per test file. */
import { defaultScenario, writeEventLogCsv } from '../../data/simulate/index.ts';

/** Units of the small demo: `checkout-redesign` is a clear winner; `spring-offer` needs `minSamplePerVariant` ≤ 800. */
export const SMALL_DEMO_UNITS = 6_000;

/** Writes the small demo event log to `path`. */
export async function writeSmallDemo(path: string): Promise<string> {
  await writeEventLogCsv(path, defaultScenario({ units: SMALL_DEMO_UNITS }));
  return path;
}
