/**
 * Versioned schema migrations of the local database (docs/import.md). Each migration runs once, in
 * order, inside a transaction, and is recorded in `schema_migrations`. Never edit a released
 * migration: add a new one.
 */
import type { Database } from './database.ts';

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'canonical tables',
    sql: `
      CREATE SEQUENCE file_id_seq START 1;
      -- One row per imported file; sha256 detects re-imports of the same content.
      CREATE TABLE files (
        file_id INTEGER PRIMARY KEY DEFAULT nextval('file_id_seq'),
        path VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        bytes BIGINT NOT NULL,
        format VARCHAR NOT NULL,          -- csv | ndjson | parquet
        shape VARCHAR NOT NULL,           -- event_log | unit_table
        mapping JSON NOT NULL,            -- the column mapping used
        rows_read BIGINT NOT NULL,
        rows_accepted BIGINT NOT NULL,
        rows_rejected BIGINT NOT NULL,
        zoneless_timestamps BIGINT NOT NULL DEFAULT 0,
        imported_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
      );
      -- Canonical event log (docs/analysis-definitions.md). Revenue in minor units (cents).
      CREATE TABLE events (
        file_id INTEGER NOT NULL,
        line BIGINT,
        event_name VARCHAR NOT NULL,
        event_version VARCHAR,
        ts TIMESTAMPTZ NOT NULL,
        user_id VARCHAR NOT NULL,
        experiment_id VARCHAR,
        variant_id VARCHAR,
        is_control BOOLEAN,
        user_segment VARCHAR,
        plan_code VARCHAR,
        revenue_cents BIGINT,
        currency VARCHAR,
        request_id VARCHAR,
        session_id VARCHAR,
        store_id VARCHAR,
        order_id VARCHAR,
        properties JSON
      );
      -- Unit tables (wide files), one row per input row; metric values in unit_values (long).
      CREATE TABLE unit_rows (
        file_id INTEGER NOT NULL,
        line BIGINT NOT NULL,
        experiment_id VARCHAR NOT NULL,
        unit_id VARCHAR NOT NULL,
        variant_id VARCHAR NOT NULL,
        ts TIMESTAMPTZ
      );
      CREATE TABLE unit_values (
        file_id INTEGER NOT NULL,
        line BIGINT NOT NULL,
        column_name VARCHAR NOT NULL,
        value DOUBLE NOT NULL
      );
      -- Which unit-table columns are metrics and which serve as CUPED covariates of which metric.
      CREATE TABLE unit_columns (
        file_id INTEGER NOT NULL,
        column_name VARCHAR NOT NULL,
        role VARCHAR NOT NULL,            -- metric | covariate
        covariate_of VARCHAR,             -- for role = covariate: the metric it adjusts
        position INTEGER NOT NULL
      );
      -- Every rejected row with its reason (docs/analysis-definitions.md): accepted + rejected = rows read.
      CREATE TABLE rejects (
        file_id INTEGER NOT NULL,
        line BIGINT,
        raw VARCHAR,
        reason VARCHAR NOT NULL,
        detail VARCHAR
      );
      -- Mapping saved per header signature, reused for the next file with the same header.
      CREATE TABLE column_mappings (
        header_signature VARCHAR PRIMARY KEY,
        mapping JSON NOT NULL,
        saved_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
      );
      -- First exposure per (experiment, unit), rebuilt after each import (docs/analysis-definitions.md).
      CREATE TABLE assignments (
        experiment_id VARCHAR NOT NULL,
        unit_id VARCHAR NOT NULL,
        variant_id VARCHAR,               -- NULL when the unit saw several variants
        variant_count INTEGER NOT NULL,
        t0 TIMESTAMPTZ,
        source VARCHAR NOT NULL,          -- events | unit_table
        file_id INTEGER,                  -- unit tables: the row that gives the unit's values
        line BIGINT,
        segment VARCHAR                   -- user_segment of the first exposure
      );
    `,
  },
  {
    version: 2,
    name: 'changeset outbox, experiment links, changeset cache',
    sql: `
      -- Decisions for the ChangeSet API, written before they are sent (docs/changesets.md offline outbox;
      -- data/changesets/outbox.ts). A row is never deleted: discarding marks it.
      CREATE SEQUENCE changeset_outbox_seq START 1;
      CREATE TABLE changeset_outbox (
        id VARCHAR PRIMARY KEY,
        seq BIGINT NOT NULL DEFAULT nextval('changeset_outbox_seq'),  -- send order
        changeset_id VARCHAR NOT NULL,
        experiment_id VARCHAR,            -- the experiment the decision came from, if any
        idempotency_key VARCHAR NOT NULL, -- the same on every retry of this request
        request JSON NOT NULL,            -- the transition request body
        state VARCHAR NOT NULL,           -- queued | sending | synced | failed | discarded
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TIMESTAMPTZ,      -- backoff after a transient failure
        last_error JSON,                  -- {status, code, message, details, requestId, reason?}
        server_response JSON,             -- the ChangeSet the API returned (synced)
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      );
      -- Experiments linked to a ChangeSet by hand (automatic links need no row: featureFlagKey).
      CREATE TABLE experiment_links (
        experiment_id VARCHAR PRIMARY KEY,
        changeset_id VARCHAR NOT NULL,
        linked_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
      );
      -- The last copy of each ChangeSet seen from the API, for offline reading and decisions.
      CREATE TABLE changeset_cache (
        changeset_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        status VARCHAR NOT NULL,
        feature_flag_key VARCHAR,
        body JSON NOT NULL,
        fetched_at TIMESTAMPTZ NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'analysis cache state',
    sql: `
      -- What the persisted per-unit analysis tables (analysis_unit_metrics, analysis_unit_cube,
      -- created on demand) were built from, and the per-experiment totals that go with them
      -- (data/metrics/analysis-context.ts). At most one row; no row: rebuild.
      CREATE TABLE analysis_cache (
        key VARCHAR NOT NULL,
        summary JSON NOT NULL,
        built_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
      );
    `,
  },
  {
    version: 4,
    name: 'experiment definitions',
    sql: `
      -- Every saved experiment definition (docs/experiment-definition.md): a save never
      -- overwrites, it adds the next version; results name the version and hash they used.
      CREATE TABLE experiment_definitions (
        experiment_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        author VARCHAR NOT NULL,
        saved_at TIMESTAMPTZ NOT NULL,
        definition JSON NOT NULL,
        hash VARCHAR NOT NULL,            -- sha256 of the canonical JSON of definition
        summary VARCHAR NOT NULL,         -- what changed from the previous version
        PRIMARY KEY (experiment_id, version)
      );
    `,
  },
];

/** The schema version this build of the app writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Applies every migration newer than the database's version.
 * @throws Error if the database was written by a newer version of the app.
 */
export async function migrate(db: Database): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)`);
  const rows = await db.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
  const current = rows[0]?.version ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new Error(`database schema version ${current} is newer than this app supports (${SCHEMA_VERSION})`);
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    await db.transaction(async () => {
      await db.run(migration.sql);
      await db.run('INSERT INTO schema_migrations (version, name) VALUES ($v, $n)', { v: migration.version, n: migration.name });
    });
  }
}
