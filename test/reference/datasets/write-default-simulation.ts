/**
 * Writes the default simulated event log (the one `experiment-desk demo` analyses) to the path
 * given, for the reference script. Usage: npx tsx test/reference/datasets/write-default-simulation.ts OUT.csv
 */
import { defaultScenario, writeEventLogCsv } from '../../../data/simulate/index.ts';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: write-default-simulation.ts OUT.csv\n');
  process.exit(2);
}
await writeEventLogCsv(out, defaultScenario());
