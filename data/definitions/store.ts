/**
 * Versioned storage of experiment definitions (docs/experiment-definition.md, "Versions") in the
 * `experiment_definitions` table (migration 4): a save adds version n + 1 with its author, UTC
 * time, canonical JSON, sha256 and a "what changed" line; nothing is ever overwritten.
 */
import { createHash } from 'node:crypto';
import { ZodError } from 'zod';
import {
  experimentDefinitionSchema, type DefinitionVersion, type ExperimentDefinition, type ExperimentDefinitionInput,
} from '../../contract/experiment-definition.ts';
import { toNumber, type Database, type Row } from '../database.ts';
import { UserError } from '../user-error.ts';

/** A definition that does not validate, or a version that does not exist: the user can fix it. */
export class DefinitionError extends UserError {
  override readonly name = 'DefinitionError';
}

/** JSON with object keys sorted at every depth, so equal content always hashes equal. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(sort(value));
}

/** sha256 (hex, 64 characters) of the canonical JSON of a validated definition. */
export function definitionHash(definition: ExperimentDefinition): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex');
}

/**
 * Validates `input` (defaults filled in).
 * @throws DefinitionError naming the first offending field, e.g. "split: the control A has no weight in the split".
 */
export function parseDefinition(input: unknown): ExperimentDefinition {
  try {
    return experimentDefinitionSchema.parse(input);
  } catch (error) {
    if (error instanceof ZodError) {
      const issue = error.issues[0]!;
      const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      throw new DefinitionError(`experiment definition: ${where}${issue.message}`);
    }
    throw error;
  }
}

const MAX_SUMMARY = 300;

/**
 * "what changed" between two versions: the top-level fields that differ, each as
 * `field: old → new` (compact JSON), cut at 300 characters; "first version" without a previous one.
 */
export function describeChange(previous: ExperimentDefinition | null, next: ExperimentDefinition): string {
  if (!previous) return 'first version';
  const show = (v: unknown): string => (v === null || v === undefined ? 'inherited' : canonicalJson(v));
  const keys = Object.keys(next) as (keyof ExperimentDefinition)[];
  const changes = keys
    .filter((k) => canonicalJson(previous[k] ?? null) !== canonicalJson(next[k] ?? null))
    .map((k) => `${k}: ${show(previous[k])} → ${show(next[k])}`);
  const text = changes.length > 0 ? changes.join('; ') : 'no change';
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 1)}…` : text;
}

function toVersion(row: Row): DefinitionVersion {
  return {
    experimentId: String(row.experiment_id),
    version: toNumber(row.version)!,
    author: String(row.author),
    savedAt: new Date(toNumber(row.saved_ms)!).toISOString(),
    hash: String(row.hash),
    summary: String(row.summary),
    definition: experimentDefinitionSchema.parse(JSON.parse(String(row.definition))),
  };
}

const COLUMNS = 'experiment_id, version, author, epoch_ms(saved_at) AS saved_ms, definition, hash, summary';

export interface SaveOptions {
  /** Who saves (`import` for proposed defaults; the CLI passes the OS user name). */
  readonly author: string;
  /** Replaces the computed "what changed" line. */
  readonly summary?: string;
  /** The save time (tests); default now. */
  readonly now?: Date;
}

/**
 * Saves `input` as the next version of its experiment, inside a transaction (joins the caller's).
 * Content equal to the latest version's (same hash) adds nothing and returns that version.
 * @returns the stored version.
 * @throws DefinitionError when `input` does not validate.
 */
export async function saveDefinition(db: Database, input: ExperimentDefinitionInput | unknown, options: SaveOptions): Promise<DefinitionVersion> {
  const definition = parseDefinition(input);
  const hash = definitionHash(definition);
  return db.transaction(async () => {
    const previous = await latestDefinition(db, definition.experimentId);
    if (previous?.hash === hash) return previous;
    const version = (previous?.version ?? 0) + 1;
    const savedAt = (options.now ?? new Date()).toISOString();
    const summary = options.summary ?? describeChange(previous?.definition ?? null, definition);
    await db.run(
      `INSERT INTO experiment_definitions (experiment_id, version, author, saved_at, definition, hash, summary)
       VALUES ($id, $version, $author, $at::TIMESTAMPTZ, $definition, $hash, $summary)`,
      { id: definition.experimentId, version, author: options.author, at: savedAt, definition: canonicalJson(definition), hash, summary },
    );
    return { experimentId: definition.experimentId, version, author: options.author, savedAt, hash, summary, definition };
  });
}

/** The latest version of `experimentId`'s definition, or null when none was ever saved. */
export async function latestDefinition(db: Database, experimentId: string): Promise<DefinitionVersion | null> {
  const rows = await db.query(
    `SELECT ${COLUMNS} FROM experiment_definitions WHERE experiment_id = $id ORDER BY version DESC LIMIT 1`, { id: experimentId });
  return rows[0] ? toVersion(rows[0]) : null;
}

/** The latest version of every experiment that has one, by experiment id. */
export async function latestDefinitions(db: Database): Promise<Map<string, DefinitionVersion>> {
  const rows = await db.query(
    `SELECT ${COLUMNS} FROM experiment_definitions QUALIFY version = max(version) OVER (PARTITION BY experiment_id) ORDER BY experiment_id`);
  return new Map(rows.map((row) => [String(row.experiment_id), toVersion(row)]));
}

/**
 * Version `version` of `experimentId`'s definition.
 * @throws DefinitionError when that version does not exist.
 */
export async function definitionVersion(db: Database, experimentId: string, version: number): Promise<DefinitionVersion> {
  const rows = await db.query(
    `SELECT ${COLUMNS} FROM experiment_definitions WHERE experiment_id = $id AND version = $version`, { id: experimentId, version });
  if (!rows[0]) throw new DefinitionError(`experiment ${experimentId} has no definition version ${version}`);
  return toVersion(rows[0]);
}

/** Every version of `experimentId`'s definition, oldest first (empty when none). */
export async function listDefinitionVersions(db: Database, experimentId: string): Promise<DefinitionVersion[]> {
  const rows = await db.query(
    `SELECT ${COLUMNS} FROM experiment_definitions WHERE experiment_id = $id ORDER BY version`, { id: experimentId });
  return rows.map(toVersion);
}
