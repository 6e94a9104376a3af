/**
 * `experiment-desk changesets list|show|decide|sync` — ChangeSets and decisions from the command
 * line (docs/changesets.md).
 *
 * - API base URL: `--api URL` or `EXPERIMENT_DESK_API_URL`. Token: only `EXPERIMENT_DESK_API_TOKEN`
 *   (never a flag: flags end up in shell history and process lists), never printed.
 * - `decide` analyses the experiment, builds the proofResult, writes the decision to the outbox of
 *   `--db` (required: the outbox must survive the process) and sends it. When the API is
 *   unreachable the decision stays queued: exit 0 and a message saying so; `changesets sync --db`
 *   sends it later. A decision the API refuses for good (409, 422) exits 2.
 * - `list` and `show` read the API; with `--db` they keep a local copy and fall back to it offline.
 */
import { Command, Option } from 'commander';
import { allowedTransitions, isAutoRollbackArmed } from '../contract/changesets/lifecycle.ts';
import { CHANGESET_STATUSES, type AuditEvent, type ChangeSet, type ChangeSetStatus } from '../contract/changesets/schemas.ts';
import type { OutboxItem } from '../contract/changesets/decisions.ts';
import { analyzeDatabase, importedFiles } from '../data/analysis/analyze.ts';
import { changeSetCache } from '../data/changesets/cache.ts';
import { ChangeSetApiError, createChangeSetClient, type ChangeSetClient } from '../data/changesets/client.ts';
import { canUseLocalCopy, ChangeSetServiceError, createDecisionWorkflow, defaultActor } from '../data/changesets/decision-workflow.ts';
import { experimentLinks } from '../data/changesets/links.ts';
import { createOutbox } from '../data/changesets/outbox.ts';
import { buildProofResult, type DecisionTarget } from '../data/changesets/proof.ts';
import { openDatabase, type Database } from '../data/database.ts';
import { importFile } from '../data/import/import-file.ts';
import { percent, pValue, relativeWithInterval, table } from './format.ts';
import { addAnalysisSettingOptions, addFileMappingOptions } from './command-options.ts';
import { analysisSettings, mappingOptions, type CliFlags } from './options.ts';
import { UsageError } from './usage-error.ts';

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

interface ApiFlags {
  api?: string;
  db?: string;
  format?: string;
}

interface DecideFlags extends ApiFlags, Omit<CliFlags, 'to' | 'from' | 'format'> {
  to?: DecisionTarget;
  reason?: string;
  changeset?: string;
}

/** Environment variables the command reads. */
export const API_URL_ENV = 'EXPERIMENT_DESK_API_URL';
export const API_TOKEN_ENV = 'EXPERIMENT_DESK_API_TOKEN';

function apiUrl(flags: ApiFlags, env: NodeJS.ProcessEnv): string | null {
  const url = flags.api ?? env[API_URL_ENV] ?? null;
  if (url === null || url === '') return null;
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw new UsageError(`--api ${url}: expected an http(s) URL`);
  return url;
}

function makeClient(url: string | null, env: NodeJS.ProcessEnv): ChangeSetClient | null {
  if (!url) return null;
  // The token is read at each call from the environment, never copied into flags or messages.
  return createChangeSetClient({ baseUrl: url, token: () => env[API_TOKEN_ENV] || null, timeoutMs: 10_000, maxAttempts: 3 });
}

function requireClient(flags: ApiFlags, env: NodeJS.ProcessEnv, command: string): ChangeSetClient {
  const client = makeClient(apiUrl(flags, env), env);
  if (!client) throw new UsageError(`${command} needs the API: pass --api URL or set ${API_URL_ENV}`);
  return client;
}

/** One line for an API error, with what to do about it. */
function describeApiError(error: ChangeSetApiError, baseUrl: string): string {
  switch (error.code) {
    case 'not_configured': return `no API token: set ${API_TOKEN_ENV}`;
    case 'unauthorized': return `the API at ${baseUrl} refused the token (unauthorized): check ${API_TOKEN_ENV}`;
    case 'forbidden': return `the API at ${baseUrl} does not let this token write (forbidden)`;
    case 'network_error': case 'timeout': return `the API at ${baseUrl} is unreachable (${error.code})`;
    default: return `${error.message} (${error.code}, HTTP ${error.status}, request ${error.requestId})`;
  }
}

async function withDatabase<T>(path: string, work: (db: Database) => Promise<T>): Promise<T> {
  let db: Database;
  try {
    db = await openDatabase(path);
  } catch (error) {
    throw new UsageError(`--db ${path}: cannot open database (${(error as Error).message.split('\n')[0]})`);
  }
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

async function withOptionalDatabase<T>(path: string | undefined, work: (db: Database | null) => Promise<T>): Promise<T> {
  return path ? withDatabase(path, work) : work(null);
}

// ── rendering ────────────────────────────────────────────────────────────────────────────────

function shorten(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function renderList(items: readonly ChangeSet[]): string {
  if (items.length === 0) return 'no ChangeSets';
  return table(['id', 'status', 'version', 'feature flag', 'approval', 'updated', 'problem'], items.map((c) => [
    c.id, c.execution.status, String(c.version), c.actionPlan.implementation.featureFlagKey ?? '—', c.approval.status,
    c.updatedAt.slice(0, 16).replace('T', ' '), shorten(c.hypothesis.problem, 48),
  ]));
}

function renderAudit(events: readonly AuditEvent[]): string {
  return table(['time (UTC)', 'action', 'from', 'to', 'actor', 'v', 'reason'], events.map((e) => [
    e.timestamp.slice(0, 19).replace('T', ' '), e.action, e.previousState ?? '—', e.newState, `${e.actor.type}:${e.actor.id}`, String(e.version), shorten(e.reason, 60),
  ]));
}

function renderChangeSet(c: ChangeSet, audit: readonly AuditEvent[]): string {
  const plan = c.actionPlan;
  const lines = [
    `${c.id}  ${c.execution.status}  version ${c.version}  store ${c.storeId}`,
    ...(isAutoRollbackArmed(c) ? [`AUTO-ROLLBACK: ARMED • ${c.rollbackPlan.autoRollbackTriggers.map((t) => `${t.metric} DEVIATION > ${percent(t.maxRelativeDrop, 0)} = AUTO-KILL`).join(' • ')}`] : []),
    `feature flag: ${plan.implementation.featureFlagKey ?? '—'}`,
    `hypothesis:   ${c.hypothesis.problem} → ${c.hypothesis.expectedOutcome} (confidence ${c.hypothesis.confidenceLevel})`,
    `action:       ${plan.type} for ${plan.targetSegment}, ${plan.rolloutStrategy}${plan.rolloutPercentage !== undefined ? ` ${plan.rolloutPercentage}%` : ''}`,
    `guardrails:   risk ${c.guardrails.riskLevel}; profit floor ${c.guardrails.profitFloor}; ${[...c.guardrails.sloRequirements, ...c.guardrails.blockedConditions].join('; ') || '—'}`,
    `rollback:     ${c.rollbackPlan.rollbackProcedure} (${c.rollbackPlan.estimatedRollbackTime}${c.rollbackPlan.manualRollbackEnabled ? ', manual rollback enabled' : ''})`,
    `proof plan:   ${c.proofPlan.primaryMetrics.join(', ')} by ${c.proofPlan.statisticalMethod}, α ${c.proofPlan.significanceThreshold}, min ${c.proofPlan.minimumSampleSize} units, window ${c.proofPlan.measurementWindow}`,
    `approval:     ${c.approval.status}${c.approval.approvedBy ? ` by ${c.approval.approvedBy}` : ''}${c.approval.status === 'pending' && c.approval.expiresAt ? `, expires ${c.approval.expiresAt}` : ''}`,
    `next:         ${allowedTransitions(c, new Date()).map((r) => `${r.to}${r.requiresConfirmation ? ' (needs confirmation)' : ''}`).join(', ') || '—'}`,
    ...(c.execution.proofResult ? [`proof:        ${c.execution.proofResult.metric} ${relativeWithInterval(c.execution.proofResult.relativeUplift.estimate, c.execution.proofResult.relativeUplift.ciLower, c.execution.proofResult.relativeUplift.ciUpper)}, p ${pValue(c.execution.proofResult.pValue)}, ${c.execution.proofResult.dataHash}`] : []),
    '',
    'audit trail:',
    renderAudit(audit),
  ];
  return lines.join('\n');
}

/** One line describing an outbox item's state, with what happens next. */
export function describeOutboxItem(item: OutboxItem, db: string): string {
  switch (item.state) {
    case 'synced':
      return `synced — ChangeSet ${item.changesetId} is now ${item.result?.execution.status ?? item.request.to} (version ${item.result?.version ?? '?'})`;
    case 'failed':
      if (item.conflict) {
        return `failed — version_conflict: this ChangeSet changed since your analysis (you decided on version ${item.conflict.expectedVersion}, it is now version ${item.conflict.currentVersion ?? '?'}${item.conflict.currentState ? `, ${item.conflict.currentState}` : ''}); analyse again, or discard the decision`;
      }
      return `failed — ${item.lastError?.code ?? 'error'}: ${item.lastError?.message ?? ''}`;
    case 'discarded':
      return 'discarded';
    default: {
      const error = item.lastError;
      const why = !error ? ''
        : error.code === 'not_configured' ? `no API token (${API_TOKEN_ENV}); `
          : error.code === 'network_error' || error.code === 'timeout' ? `the API is unreachable (${error.code}); `
            : `${error.code}: ${error.message}; `;
      return `${item.state} — ${why}kept in ${db}; send it with: experiment-desk changesets sync --db ${db}`;
    }
  }
}

function renderOutbox(items: readonly OutboxItem[]): string {
  if (items.length === 0) return 'the outbox is empty';
  return table(['item', 'changeset', 'to', 'state', 'attempts', 'created (UTC)', 'last error'], items.map((i) => [
    i.id.slice(0, 8), i.changesetId, i.request.to, i.state, String(i.attempts), i.createdAt.slice(0, 19).replace('T', ' '),
    i.lastError ? shorten(`${i.lastError.code}: ${i.lastError.message}`, 60) : '—',
  ]));
}

// ── commands ─────────────────────────────────────────────────────────────────────────────────

async function listCommand(flags: ApiFlags & { status?: ChangeSetStatus }, io: Io, env: NodeJS.ProcessEnv): Promise<void> {
  const client = requireClient(flags, env, 'changesets list');
  await withOptionalDatabase(flags.db, async (db) => {
    const cache = db ? changeSetCache(db) : null;
    let items: ChangeSet[];
    try {
      items = await client.listAll(flags.status ? { status: flags.status } : {});
      await cache?.put(items);
    } catch (error) {
      if (!(error instanceof ChangeSetApiError)) throw error;
      if (!cache || !canUseLocalCopy(error)) throw new UsageError(describeApiError(error, client.baseUrl));
      const cached = await cache.list(flags.status);
      io.stderr(`offline: ${describeApiError(error, client.baseUrl)}; showing the local copy in ${flags.db}\n`);
      items = cached.map((c) => c.changeset);
    }
    io.stdout(`${flags.format === 'json' ? JSON.stringify(items, null, 2) : renderList(items)}\n`);
  });
}

async function showCommand(id: string, flags: ApiFlags, io: Io, env: NodeJS.ProcessEnv): Promise<void> {
  const client = requireClient(flags, env, 'changesets show');
  await withOptionalDatabase(flags.db, async (db) => {
    const cache = db ? changeSetCache(db) : null;
    let changeset: ChangeSet;
    let audit: AuditEvent[];
    try {
      [changeset, audit] = await Promise.all([client.get(id), client.audit(id)]);
      await cache?.put([changeset]);
    } catch (error) {
      if (!(error instanceof ChangeSetApiError)) throw error;
      const cached = cache && canUseLocalCopy(error) ? await cache.get(id) : null;
      if (!cached) throw new UsageError(error.code === 'not_found' ? `no ChangeSet ${id}` : describeApiError(error, client.baseUrl));
      io.stderr(`offline: ${describeApiError(error, client.baseUrl)}; showing the local copy of ${cached.fetchedAt}\n`);
      changeset = cached.changeset;
      audit = cached.changeset.auditTrail;
    }
    io.stdout(`${flags.format === 'json' ? JSON.stringify({ changeset, audit }, null, 2) : renderChangeSet(changeset, audit)}\n`);
  });
}

async function decideCommand(experimentId: string, files: string[], flags: DecideFlags, io: Io, env: NodeJS.ProcessEnv): Promise<void> {
  if (!flags.db) throw new UsageError('changesets decide needs --db PATH: the decision waits in that database\'s outbox until the API accepts it');
  const dbPath = flags.db;
  // `--to` is the decision here, not the exposure filter of `analyze`.
  const settings = analysisSettings({ ...flags, to: undefined, from: undefined, format: undefined });
  const client = makeClient(apiUrl(flags, env), env);
  await withDatabase(dbPath, async (db) => {
    for (const file of files) await importFile(db, file, { mapping: mappingOptions(flags), force: flags.force ?? false });
    const analysis = await analyzeDatabase(db, settings);
    const report = analysis.experiments.find((e) => e.experimentId === experimentId);
    if (!report) {
      const names = analysis.experiments.map((e) => e.experimentId).join(', ') || 'none';
      throw new UsageError(`no experiment ${experimentId} in ${dbPath} (experiments: ${names})`);
    }
    const to = flags.to ?? report.verdict.proposedTransition;
    if (!to) {
      throw new UsageError(`the verdict for ${experimentId} is ${report.verdict.status} (${report.verdict.reason}): no transition is proposed; pass --to PROVEN or --to ROLLED_BACK to decide anyway`);
    }
    const proof = buildProofResult(report, { files: await importedFiles(db), alpha: settings.alpha, cuped: settings.cuped }, to);

    const cache = changeSetCache(db);
    const links = experimentLinks(db);
    if (flags.changeset) await links.set(experimentId, flags.changeset);
    const outbox = createOutbox({ db, client: () => client, cache });
    const workflow = createDecisionWorkflow({
      cache, links, outbox, client: () => client, send: () => (client ? outbox.flush() : Promise.resolve()),
      describeOffline: describeApiError, noApiReason: `no API URL (--api or ${API_URL_ENV})`,
    });
    let proposal;
    try {
      proposal = await workflow.propose(report, proof, to);
    } catch (error) {
      if (!(error instanceof ChangeSetApiError)) throw error;
      // Only a ChangeSet linked by hand and missing from the API's list is fetched by id.
      throw new UsageError(error.code === 'not_found' ? `no ChangeSet ${await links.manual(experimentId)}` : describeApiError(error, client?.baseUrl ?? ''));
    }
    const { link, changeset } = proposal;
    if (!link.changesetId) {
      throw new UsageError(`no ChangeSet is linked to ${experimentId} (none has featureFlagKey ${experimentId}${proposal.offlineReason ? `; ${proposal.offlineReason}` : ''}): pass --changeset ID`);
    }
    if (changeset && proposal.blockedReason) throw new UsageError(proposal.blockedReason);

    let item;
    try {
      item = await workflow.submit({
        changesetId: link.changesetId,
        experimentId,
        request: { to, expectedVersion: proposal.expectedVersion, reason: flags.reason ?? proposal.reason, actor: defaultActor(), proofResult: proof },
      });
    } catch (error) {
      if (error instanceof ChangeSetServiceError) throw new UsageError(error.message);
      throw error;
    }

    if (flags.format === 'json') {
      io.stdout(`${JSON.stringify({ item, offline: proposal.offlineReason }, null, 2)}\n`);
    } else {
      const from = changeset ? `${changeset.execution.status} → ${to} (based on version ${changeset.version})` : `→ ${to} (version unknown offline: resolved when sent)`;
      io.stdout([
        `${experimentId}: ${report.verdict.status} — ${report.verdict.reason}`,
        `decision: ${link.changesetId} ${from}; linked by ${link.source === 'manual' ? 'hand' : 'featureFlagKey'}`,
        `proof:    ${proof.metric} (${proof.method}) ${relativeWithInterval(proof.relativeUplift.estimate, proof.relativeUplift.ciLower, proof.relativeUplift.ciUpper)}, p ${pValue(proof.pValue)}; data ${proof.dataHash.slice(0, 19)}…; Experiment Desk ${proof.appVersion}`,
        `outbox:   ${describeOutboxItem(item, dbPath)}`,
        ...(item.state === 'queued' && !item.lastError ? [`note:     ${proposal.offlineReason ?? 'not sent yet'}`] : []),
        '',
      ].join('\n'));
    }
    if (item.state === 'failed') throw new UsageError(`the API refused the decision: ${describeOutboxItem(item, dbPath)}`);
  });
}

async function syncCommand(flags: ApiFlags, io: Io, env: NodeJS.ProcessEnv): Promise<void> {
  if (!flags.db) throw new UsageError('changesets sync needs --db PATH (the database whose outbox to send)');
  const dbPath = flags.db;
  const client = requireClient(flags, env, 'changesets sync');
  await withDatabase(dbPath, async (db) => {
    const outbox = createOutbox({ db, client: () => client, cache: changeSetCache(db) });
    const result = await outbox.flush({ ignoreBackoff: true });
    const items = await outbox.list();
    if (flags.format === 'json') {
      io.stdout(`${JSON.stringify({ result, items }, null, 2)}\n`);
      return;
    }
    io.stdout(`${renderOutbox(items)}\n\n`);
    io.stdout(`sent ${result.attempted}: ${result.synced} synced, ${result.failed} failed, ${result.requeued} still queued; ${result.remaining} waiting\n`);
    if (result.stoppedBy) io.stdout(`stopped: ${result.stoppedBy.code === 'not_configured' ? `no API token (${API_TOKEN_ENV})` : result.stoppedBy.message}\n`);
    for (const item of items.filter((i) => i.state === 'failed')) io.stdout(`${item.id.slice(0, 8)}: ${describeOutboxItem(item, dbPath)}\n`);
  });
}

/**
 * Adds `changesets list|show|decide|sync` to `program`. Subcommands report errors through `io`
 * and throw (never exit the process), like the other commands.
 */
export function registerChangesetsCommand(program: Command, io: Io, env: NodeJS.ProcessEnv = process.env): void {
  const group = program.command('changesets').description('ChangeSets of the Profit Engine API: list, show, decide, sync the outbox');
  const formatOption = (): Option => new Option('--format <format>', 'output format').choices(['table', 'json']).default('table');
  const apiOption = (): Option => new Option('--api <url>', `API base URL (default: $${API_URL_ENV}); the token is read from $${API_TOKEN_ENV} only`);

  group.command('list')
    .description('list ChangeSets (with --db: keep a local copy, shown when offline)')
    .addOption(apiOption())
    .addOption(new Option('--status <state>', 'only this state').choices([...CHANGESET_STATUSES]))
    .option('--db <path>', 'database file for the local copy')
    .addOption(formatOption())
    .action((flags: ApiFlags & { status?: ChangeSetStatus }) => listCommand(flags, io, env));

  group.command('show')
    .argument('<id>', 'ChangeSet id')
    .description('show a ChangeSet: hypothesis, plans, guardrails, approval and its audit trail')
    .addOption(apiOption())
    .option('--db <path>', 'database file for the local copy')
    .addOption(formatOption())
    .action((id: string, flags: ApiFlags) => showCommand(id, flags, io, env));

  const decide = group.command('decide')
    .argument('<experiment>', 'experiment id')
    .argument('[files...]', 'files to import first')
    .description('analyse an experiment and send its decision (winner → PROVEN, loser → ROLLED_BACK) through the outbox of --db')
    .addOption(apiOption())
    .option('--db <path>', 'database file (required: it holds the outbox)')
    .addOption(new Option('--to <state>', 'the decision, overriding the verdict').choices(['PROVEN', 'ROLLED_BACK']))
    .option('--reason <text>', 'reason recorded in the audit trail (default: from the verdict)')
    .option('--changeset <id>', 'link the experiment to this ChangeSet by hand (kept in --db)');
  // The same mapping and analysis flags as `analyze`, except --from/--to (--to is the decision here).
  addAnalysisSettingOptions(addFileMappingOptions(decide), { exposureDates: false })
    .addOption(formatOption())
    .action((experiment: string, files: string[], flags: DecideFlags) => decideCommand(experiment, files, flags, io, env));

  group.command('sync')
    .description('send the decisions waiting in the outbox of --db')
    .addOption(apiOption())
    .option('--db <path>', 'database file whose outbox to send')
    .addOption(formatOption())
    .action((flags: ApiFlags) => syncCommand(flags, io, env));

  for (const command of [group, ...group.commands]) {
    command.exitOverride();
    command.configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  }
}
