/**
 * `experiment-desk report FILE... --format html|pdf|csv|json|audit-csv --out PATH` — decision
 * reports from the command line (docs/reports.md), with the same mapping and analysis flags as `analyze`
 * (and `--db` to report on a database imported before).
 *
 * Where the reports go:
 * - one experiment in the input, or `--experiment-id ID`: one file, `--out PATH` (when PATH is an
 *   existing folder or ends with `/`, the suggested name `<id>-decision-report-<date>.<ext>` in it);
 * - several experiments and no `--experiment-id`: `--out` is a folder (created if missing) with
 *   one file per experiment under its suggested name.
 * Every file written is named on stderr (`wrote PATH`).
 *
 * `--audit PATH`: a JSON file with the linked ChangeSet (docs/changesets.md: a ChangeSet with its
 * `auditTrail`, or the API's `{ "data": ChangeSet }`) or only an audit trail (an array of audit
 * events, or `{ "data": [...] }`). It goes into the report of the experiment it links to
 * (`actionPlan.implementation.featureFlagKey` equal to the experiment id), or — an explicit
 * link — into the one report when there is only one.
 *
 * PDF needs Chromium (`/usr/bin/chromium` or `CHROMIUM_PATH`); without it: exit 2 and one line.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { auditEventSchema, changeSetSchema } from '../contract/changesets/schemas.ts';
import { REPORT_FORMATS, type ReportFormat } from '../contract/report-export.ts';
import { analyzeDatabase } from '../data/analysis/analyze.ts';
import type { Database } from '../data/database.ts';
import type { ImportSummary } from '../data/import/import-file.ts';
import { buildReportModel } from '../data/report/build-report-model.ts';
import { collectReportInput } from '../data/report/collect-report-input.ts';
import { exportReportFile } from '../data/report/export-report.ts';
import type { ReportAuditEvent, ReportChangeSet } from '../data/report/report-model.ts';
import { PdfUnavailableError } from '../data/report/render-pdf.ts';
import { analysisSettings, type CliFlags } from './options.ts';
import { UsageError } from './usage-error.ts';

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** What main.ts lends the command (its option sets, import and database helpers). */
export interface ReportCommandDeps {
  readonly io: Io;
  /** Adds the mapping flags and the analysis-setting flags of `analyze`. */
  readonly addOptions: (command: Command) => Command;
  readonly importAll: (db: Database, files: readonly string[], flags: CliFlags) => Promise<ImportSummary[]>;
  readonly withDatabase: <T>(path: string | undefined, work: (db: Database) => Promise<T>) => Promise<T>;
}

interface ReportFlags extends CliFlags {
  experimentId?: string;
  audit?: string;
}

/** The ChangeSet and/or audit trail read from `--audit`. */
export interface AuditInput {
  readonly changeSet: ReportChangeSet | null;
  readonly auditTrail: readonly ReportAuditEvent[] | null;
}

const auditListSchema = z.array(auditEventSchema);

/**
 * Reads `--audit PATH`.
 * @throws UsageError when the file is unreadable or is neither a ChangeSet nor an audit trail.
 */
export async function readAuditFile(path: string): Promise<AuditInput> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--audit ${path}: cannot read JSON (${(error as Error).message.split('\n')[0]})`);
  }
  const body = json !== null && typeof json === 'object' && !Array.isArray(json) && 'data' in json ? (json as { data: unknown }).data : json;
  const changeSet = changeSetSchema.safeParse(body);
  if (changeSet.success) return { changeSet: changeSet.data, auditTrail: null };
  const trail = auditListSchema.safeParse(body);
  if (trail.success) return { changeSet: null, auditTrail: trail.data };
  const issue = (Array.isArray(body) ? trail : changeSet).error?.issues[0];
  const where = issue ? ` (${issue.path.join('.') || 'top level'}: ${issue.message})` : '';
  throw new UsageError(`--audit ${path}: neither a ChangeSet nor a list of audit events (docs/changesets.md)${where}`);
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

/** Registers `report` on the program. */
export function registerReportCommand(program: Command, deps: ReportCommandDeps): void {
  const { io } = deps;
  deps.addOptions(program.command('report'))
    .argument('[files...]', 'event logs or unit tables (.csv, .csv.gz, .tsv, .ndjson, .parquet, .arrow)')
    .description('import files (if given) and write the decision report of each experiment (html, pdf, csv, json, audit-csv)')
    .addOption(new Option('--format <format>', 'report format').choices([...REPORT_FORMATS]).default('html'))
    .option('--out <path>', 'file to write; a folder when there are several experiments')
    .option('--experiment-id <id>', 'report on this experiment only')
    .option('--audit <path>', 'JSON file with the linked ChangeSet (docs/changesets.md) or its audit trail')
    .action(async (files: string[], flags: ReportFlags) => {
      if (files.length === 0 && !flags.db) throw new UsageError('report needs FILE... or --db PATH');
      if (!flags.out) throw new UsageError('report needs --out PATH (a file, or a folder for several experiments)');
      const out = flags.out;
      const format = flags.format as ReportFormat;
      const settings = analysisSettings(flags);
      const audit = flags.audit ? await readAuditFile(flags.audit) : null;
      const definitions = flags.definition ? await (await import('./definition-file.ts')).readDefinitionFile(flags.definition) : [];
      await deps.withDatabase(flags.db, async (db) => {
        await deps.importAll(db, files, flags);
        const ids = (await analyzeDatabase(db, settings, null, { definitions })).experiments.map((e) => e.experimentId);
        if (ids.length === 0) throw new UsageError('no experiment to report on (no variant found, or no unit passes the filters)');
        let chosen = ids;
        if (flags.experimentId !== undefined) {
          if (!ids.includes(flags.experimentId)) {
            throw new UsageError(`--experiment-id ${flags.experimentId}: no such experiment (found: ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''})`);
          }
          chosen = [flags.experimentId];
        }
        const single = chosen.length === 1;
        const linkedTo = audit?.changeSet?.actionPlan?.implementation?.featureFlagKey;
        if (audit && !single && (!linkedTo || !chosen.includes(linkedTo))) {
          throw new UsageError(`--audit ${flags.audit}: the ChangeSet links to no experiment of the input by featureFlagKey; choose one with --experiment-id`);
        }
        const folder = !single || out.endsWith('/') || (await isDirectory(out));
        if (folder) await mkdir(out, { recursive: true });
        const generatedAt = new Date().toISOString();
        // Names are unique per id (contract/report-export.ts); should two ever coincide, refuse
        // rather than let one report overwrite another of the same run.
        const written = new Map<string, string>();
        for (const experimentId of chosen) {
          const input = await collectReportInput(db, settings, experimentId, generatedAt, { definitions });
          if (!input) throw new UsageError(`experiment ${experimentId}: no unit passes the filters`);
          const attach = audit && (single || linkedTo === experimentId) ? audit : null;
          const model = buildReportModel({
            ...input,
            ...(attach?.changeSet && { changeSet: attach.changeSet }),
            ...(attach?.auditTrail && { auditTrail: attach.auditTrail }),
          });
          let exported;
          try {
            exported = await exportReportFile(model, format);
          } catch (error) {
            if (error instanceof PdfUnavailableError) throw new UsageError(error.message);
            throw error;
          }
          const path = folder ? join(out, exported.fileName) : out;
          const earlier = written.get(path);
          if (earlier !== undefined) throw new UsageError(`experiments ${JSON.stringify(earlier)} and ${JSON.stringify(experimentId)} would both be written to ${path}; choose one with --experiment-id`);
          written.set(path, experimentId);
          await writeFile(path, exported.bytes);
          io.stderr(`wrote ${path}\n`);
        }
      });
    });
}
