/**
 * `experiment-desk define EXPERIMENT --db PATH [changes…]`: saves the next version of an
 * experiment's definition (docs/experiment-definition.md) and prints it; without changes it
 * prints the latest version; `--versions` lists them all.
 */
import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import type { Database } from '../data/database.ts';
import type { DefinitionVersion, ExperimentDefinitionInput, Guardrail } from '../contract/experiment-definition.ts';
import { COMBINE_RULES, DEFINITION_CORRECTIONS, DEFINITION_METHODS } from '../contract/experiment-definition.ts';
import { collect } from './options.ts';
import { readDefinitionFile } from './definition-file.ts';
import { UsageError } from './usage-error.ts';

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface DefineFlags {
  db?: string;
  goal?: string[];
  secondary?: string[];
  guardrail?: string[];
  covariate?: string[];
  split?: string;
  control?: string;
  alpha?: string;
  minSample?: string;
  minRuntime?: string;
  method?: string;
  correction?: string;
  combine?: string;
  from?: string;
  author?: string;
  versions?: boolean;
  format?: string;
}

/**
 * `METRIC[:±N%]`: `revenue_per_user:-5%` is breached by a significant drop beyond 5 % (higher is
 * better), `refund_rate:+2%` by a significant rise beyond 2 % (lower is better); a bare name: −5 %.
 * @throws UsageError for another form.
 */
export function parseGuardrail(text: string): Guardrail {
  const match = /^([^:]+?)(?::([+-])(\d+(?:\.\d+)?)%)?$/.exec(text.trim());
  if (!match) throw new UsageError(`--guardrail ${text}: expected METRIC or METRIC:-5% (higher is better) or METRIC:+5% (lower is better)`);
  const limit = match[3] === undefined ? 0.05 : Number(match[3]) / 100;
  if (!(limit > 0)) throw new UsageError(`--guardrail ${text}: the limit must be above 0%`);
  return { metric: match[1]!, direction: match[2] === '+' ? 'lower_is_better' : 'higher_is_better', maxRelativeDrop: limit };
}

/**
 * `--split 80,20` (weights in display order: control first, then the other variants sorted) or
 * `--split A=80,B=20`.
 * @throws UsageError for a malformed split or one whose count differs from the variants'.
 */
export function parseSplit(text: string, orderedVariants: readonly string[]): Record<string, number> {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  const weight = (value: string): number => {
    const n = Number(value.replace(/%$/, ''));
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--split ${text}: ${value} is not a weight`);
    return n;
  };
  if (parts.every((p) => p.includes('='))) {
    return Object.fromEntries(parts.map((p) => [p.slice(0, p.indexOf('=')).trim(), weight(p.slice(p.indexOf('=') + 1))]));
  }
  if (parts.length !== orderedVariants.length) {
    throw new UsageError(`--split ${text}: ${parts.length} weights for ${orderedVariants.length} variants (${orderedVariants.join(', ')}); or name them: --split A=80,B=20`);
  }
  return Object.fromEntries(orderedVariants.map((v, i) => [v, weight(parts[i]!)]));
}

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} ${value}: not a number`);
  return n;
}

/** The experiment's variants, control first then sorted, and whether it is an event log. */
async function experimentShape(db: Database, experimentId: string, control: string | null): Promise<{ variants: string[]; source: 'events' | 'unit_table' } | null> {
  const rows = await db.query(`
    SELECT variant_id, any_value(source) AS source FROM assignments
    WHERE experiment_id = $id AND variant_id IS NOT NULL GROUP BY variant_id ORDER BY variant_id`, { id: experimentId });
  if (rows.length === 0) return null;
  const variants = rows.map((r) => String(r.variant_id));
  const first = control && variants.includes(control) ? control : (variants.includes('control') ? 'control' : variants[0]!);
  return { variants: [first, ...variants.filter((v) => v !== first)], source: rows[0]!.source === 'events' ? 'events' : 'unit_table' };
}

/** The definition after `flags`' changes to `base` (only the fields given change). */
function applyFlags(base: ExperimentDefinitionInput, flags: DefineFlags, variants: readonly string[]): ExperimentDefinitionInput {
  const covariates = flags.covariate === undefined ? undefined : Object.fromEntries(flags.covariate.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--covariate ${pair}: expected METRIC=COLUMN (a pre-exposure column) or METRIC=pre_period`);
    const column = pair.slice(at + 1).trim();
    return [pair.slice(0, at).trim(), column === 'pre_period' ? { kind: 'pre_period' as const } : { kind: 'column' as const, column, preExposure: true as const }];
  }));
  const control = flags.control ?? base.control ?? null;
  const ordered = control ? [control, ...variants.filter((v) => v !== control)] : variants;
  // A metric promoted with --goal leaves the lists it was in unless those are given too.
  const promoted = new Set(flags.goal ?? []);
  return {
    ...base,
    ...(flags.goal && !flags.secondary && { secondaryMetrics: (base.secondaryMetrics ?? []).filter((m) => !promoted.has(m)) }),
    ...(flags.goal && !flags.guardrail && { guardrails: (base.guardrails ?? []).filter((g) => !promoted.has(g.metric)) }),
    ...(flags.goal && { goalMetrics: flags.goal }),
    ...(flags.secondary && { secondaryMetrics: flags.secondary }),
    ...(flags.guardrail && { guardrails: flags.guardrail.map(parseGuardrail) }),
    ...(covariates && { covariates: { ...base.covariates, ...covariates } }),
    ...(flags.split !== undefined && { split: parseSplit(flags.split, ordered) }),
    ...(flags.control !== undefined && { control: flags.control }),
    ...(flags.alpha !== undefined && { alpha: numberFlag('alpha', flags.alpha) }),
    ...(flags.minSample !== undefined && { minSamplePerArm: numberFlag('min-sample', flags.minSample) }),
    ...(flags.minRuntime !== undefined && { minRuntimeDays: numberFlag('min-runtime', flags.minRuntime) }),
    ...(flags.method !== undefined && { method: flags.method as ExperimentDefinitionInput['method'] }),
    ...(flags.correction !== undefined && { correction: flags.correction as ExperimentDefinitionInput['correction'] }),
    ...(flags.combine !== undefined && { combine: flags.combine as ExperimentDefinitionInput['combine'] }),
  };
}

const CHANGE_FLAGS: readonly (keyof DefineFlags)[] = [
  'goal', 'secondary', 'guardrail', 'covariate', 'split', 'control', 'alpha', 'minSample', 'minRuntime', 'method', 'correction', 'combine', 'from',
];

/** One version as text: its header line and the definition's fields. */
export function renderVersion(v: DefinitionVersion): string {
  const d = v.definition;
  const inherit = (value: unknown): string => (value === null || value === undefined ? 'app setting' : String(value));
  const lines = [
    `experiment ${v.experimentId}: definition version ${v.version} · ${v.savedAt} · by ${v.author} · sha256 ${v.hash.slice(0, 12)}`,
    `  changed    ${v.summary}`,
    `  goal       ${d.goalMetrics.join(', ') || '(none declared: no verdict)'}`,
    `  secondary  ${d.secondaryMetrics.join(', ') || '—'}`,
    `  guardrails ${d.guardrails.map((g) => `${g.metric} ${g.direction === 'higher_is_better' ? '−' : '+'}${String(Number((g.maxRelativeDrop * 100).toPrecision(3)))}%`).join(', ') || '—'}`,
    `  covariates ${Object.entries(d.covariates).map(([m, c]) => `${m}=${c.kind === 'column' ? c.column : 'pre_period'}`).join(', ') || '— (CUPED adjusts nothing)'}`,
    `  control    ${inherit(d.control)} · split ${d.split ? Object.entries(d.split).map(([k, w]) => `${k} ${w}`).join(' / ') : 'equal'}` +
      (d.source === 'unit_table' ? ` · repeated rows: ${d.combine}` : ''),
    `  alpha ${inherit(d.alpha)} · correction ${inherit(d.correction)} · method ${inherit(d.method)} · min sample/arm ${inherit(d.minSamplePerArm)} · min runtime ${inherit(d.minRuntimeDays)} days`,
  ];
  return lines.join('\n');
}

/** Registers `define` on `program`. */
export function registerDefineCommand(
  program: Command,
  deps: { io: Io; withDatabase: <T>(path: string | undefined, work: (db: Database) => Promise<T>) => Promise<T> },
): void {
  program.command('define')
    .argument('<experiment>', 'experiment id')
    .description('show, list or change an experiment\'s definition; every change is saved as a new version')
    .option('--db <path>', 'database file')
    .option('--goal <metric>', 'goal metric (repeatable; replaces the goals; the first decides)', collect)
    .option('--secondary <metric>', 'secondary metric (repeatable; replaces the list)', collect)
    .option('--guardrail <metric[:-N%]>', 'guardrail, e.g. revenue_per_user:-5% (repeatable; replaces the list)', collect)
    .option('--covariate <metric=col>', 'CUPED covariate: a pre-exposure column, or pre_period (event logs) (repeatable)', collect)
    .option('--split <weights>', 'intended split: 80,20 (control first, then the others sorted) or A=80,B=20')
    .option('--control <variant>', 'control variant')
    .option('--alpha <n>', 'two-sided significance level')
    .option('--min-sample <n>', 'minimum units per arm')
    .option('--min-runtime <days>', 'minimum runtime in days')
    .addOption(new Option('--method <method>', 'statistical method').choices([...DEFINITION_METHODS]))
    .addOption(new Option('--correction <method>', 'multiple-comparison correction').choices([...DEFINITION_CORRECTIONS]))
    .addOption(new Option('--combine <rule>', 'unit tables: how several rows of one unit combine').choices([...COMBINE_RULES]))
    .option('--from <file>', 'save this JSON definition (a --format json output, or the definition itself) as the next version')
    .option('--author <name>', 'who saves (default: the OS user name)')
    .option('--versions', 'list every version')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (experimentId: string, flags: DefineFlags) => {
      if (!flags.db) throw new UsageError('define needs --db PATH');
      const { latestDefinition, listDefinitionVersions, saveDefinition } = await import('../data/definitions/store.ts');
      await deps.withDatabase(flags.db, async (db) => {
        const print = (versions: readonly DefinitionVersion[]): void => deps.io.stdout(`${flags.format === 'json'
          ? JSON.stringify(versions.length === 1 ? versions[0] : versions, null, 2)
          : versions.map(renderVersion).join('\n\n')}\n`);
        if (flags.versions) {
          const versions = await listDefinitionVersions(db, experimentId);
          if (versions.length === 0) throw new UsageError(`experiment ${experimentId} has no definition yet`);
          print(versions);
          return;
        }
        const latest = await latestDefinition(db, experimentId);
        const changes = CHANGE_FLAGS.some((flag) => flags[flag] !== undefined);
        if (!changes) {
          if (!latest) throw new UsageError(`experiment ${experimentId} has no definition yet (import its data, or give changes such as --goal METRIC)`);
          print([latest]);
          return;
        }
        const shape = await experimentShape(db, experimentId, flags.control ?? latest?.definition.control ?? null);
        if (!shape && !latest) throw new UsageError(`no experiment ${experimentId} in ${flags.db}`);
        const base: ExperimentDefinitionInput = flags.from
          ? { ...((await readDefinitionFile(flags.from))[0] as ExperimentDefinitionInput), experimentId }
          : latest?.definition ?? { experimentId, source: shape!.source };
        const next = applyFlags(base, flags, shape?.variants ?? Object.keys(latest?.definition.split ?? {}));
        const author = flags.author ?? safeUserName();
        print([await saveDefinition(db, next, { author })]);
      });
    });
}

function safeUserName(): string {
  try {
    return userInfo().username || 'cli';
  } catch {
    return 'cli';
  }
}
