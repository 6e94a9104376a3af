/**
 * `npm run simulate:errors [-- --seed N]`: measured error rates of the statistics with 95 % Monte
 * Carlo intervals (docs/statistics.md, "Measured error rates"): CI coverage per metric type, the
 * A/A false-positive rate of the verdict for 2 and 3 arms, daily peeking for 21 days with the
 * fixed-horizon and the sequential method, and power at a stated true effect. Seeded: the same
 * seed prints the same table. About a minute on one core.
 */
import { aaVerdictFalsePositives, coverage, peekingFalsePositives, power, type Rate } from './error-rates.ts';

const seedArg = process.argv.indexOf('--seed');
const seed = seedArg > 0 ? Number(process.argv[seedArg + 1]) : 20261204;

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const row = (label: string, target: string, r: Rate): string =>
  `| ${label} | ${target} | ${pct(r.rate)} [${pct(r.lower)}, ${pct(r.upper)}] | ${r.runs.toLocaleString('en-US')} |`;

const lines = [
  `Seed ${seed}. α = 0.05. Rates with 95 % Wilson Monte Carlo intervals.`,
  '',
  '| measure | target | measured [95 % MC interval] | runs |',
  '|---|---|---|---|',
  row('CI coverage, binomial (conversion ≈ 10 %, 2,000 units/arm)', '95 % ± 1 %', coverage('binomial', 4000, 2000, seed + 1)),
  row('CI coverage, continuous (zero-inflated lognormal revenue)', '95 % ± 1 %', coverage('continuous', 4000, 2000, seed + 2)),
  row('CI coverage, CUPED-adjusted conversion', '95 % ± 1 %', coverage('cuped', 4000, 2000, seed + 3)),
  row('CI coverage, ratio (revenue / orders)', '95 % ± 1 %', coverage('ratio', 4000, 2000, seed + 4)),
  row('A/A verdict false positives, 2 arms (Holm, goal + guardrail)', '≤ 5 %', aaVerdictFalsePositives(2, 4000, 2000, seed + 5)),
  row('A/A verdict false positives, 3 arms (Holm, goal + guardrail)', '≤ 5 %', aaVerdictFalsePositives(3, 4000, 2000, seed + 6)),
  row('A/A, a look every day for 21 days, fixed horizon', '(inflated)', peekingFalsePositives('fixed', 2000, 200, 21, seed + 7)),
  row('A/A, a look every day for 21 days, sequential (N* = 5,000)', '≤ 5 %', peekingFalsePositives('sequential', 2000, 200, 21, seed + 7)),
  row('Power: +10 % conversion, 15,000 units/arm, fixed', '≈ 80 % (planned)', power(1.1, 1000, 15000, seed + 8)),
  row('Power: same, sequential', '(lower)', power(1.1, 1000, 15000, seed + 8, 'sequential')),
];
process.stdout.write(`${lines.join('\n')}\n`);
