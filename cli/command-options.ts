/**
 * The commander options shared by the commands that import and analyse files (analyze, import,
 * demo, report, changesets decide), so that every one of them takes the same mapping and analysis
 * flags with the same help (read back by `options.ts`).
 */
import { Option, type Command } from 'commander';
import { collect } from './options.ts';

/** The column mapping of files whose header is not recognised, and --force. */
export function addFileMappingOptions(command: Command): Command {
  return command
    .option('--unit <col>', 'unit (randomization id) column')
    .option('--variant <col>', 'variant column (unit tables)')
    .option('--control <value>', 'control variant')
    .option('--experiment <col>', 'experiment column')
    .option('--timestamp <col>', 'timestamp column (ISO-8601 or epoch ms; no zone = UTC)')
    .option('--metric <col>', 'metric column of a unit table (repeatable)', collect)
    .option('--covariate <metric=col>', 'CUPED covariate column for a metric (repeatable)', collect)
    .addOption(new Option('--combine <rule>', 'unit tables: how several rows of one unit combine, for a new experiment\'s definition (default: max for 0/1 metrics, else mean)')
      .choices(['sum', 'mean', 'max', 'first', 'last', 'refuse']))
    .option('--force', 're-import files already imported (same content hash)');
}

/**
 * The analysis settings' flags. Without `exposureDates` there is no --from/--to (`changesets
 * decide` uses --to for the decision).
 */
export function addAnalysisSettingOptions(command: Command, { exposureDates = true } = {}): Command {
  command
    .option('--alpha <n>', 'two-sided significance level', '0.05')
    .option('--mde <n>', 'relative minimum detectable effect (0.05 = 5%)', '0.05')
    .option('--power <n>', 'power for the sample-size calculation', '0.8')
    .option('--min-sample <n>', 'minimum units per variant', '1000')
    .option('--min-runtime <days>', 'minimum runtime in days', '7')
    .option('--pre-period <days>', 'CUPED pre-period in days (event logs)', '14');
  if (exposureDates) {
    command
      .option('--from <date>', 'only units first exposed at or after this UTC date/time')
      .option('--to <date>', 'only units first exposed before this UTC date/time');
  }
  return command
    .option('--segment <name>', 'only units whose exposure carries this user_segment')
    .option('--where <column=value>', 'only units whose first exposure has this store_id, plan_code, currency or event_version (repeatable)', collect)
    .option('--window <metric=days>', 'count a metric only in [t0, t0 + days) (conversion, revenue_per_user, orders_per_user, funnel; repeatable)', collect)
    .option('--funnel <events>', 'funnel steps: event names in order, comma-separated ("" for none; default page_view,checkout.started,checkout.completed)')
    .option('--no-cuped', 'base the verdict on unadjusted results')
    .addOption(new Option('--correction <method>', 'multiple-comparison correction of the goal metric and guardrails over every arm (secondary metrics: always bh)')
      .choices(['holm', 'bonferroni', 'bh', 'none']).default('holm'))
    .addOption(new Option('--method <method>', 'fixed horizon, sequential (always-valid; look any day) or bayesian (chance to beat control and risk)')
      .choices(['fixed', 'sequential', 'bayesian']).default('fixed'))
    .option('--sequential-n <units>', 'sequential: total units (all arms) at which the confidence sequence is tightest', '5000');
}
