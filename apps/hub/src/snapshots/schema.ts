// The snapshot tables, per dialect. SQLite step 1 is the schema hubs already run on (its text
// must not change: databases record it as applied); the PostgreSQL schema starts complete.
// Times are ms since the epoch (BIGINT on PostgreSQL); bodies are gzip(canonical content).
import type { Migrations } from '../db/sql.ts';

// The same text on both engines.
const TALLY_SQL = `CREATE TABLE snapshot_tally_members (grp TEXT NOT NULL, endpoint TEXT NOT NULL, cell TEXT NOT NULL,
     hash TEXT NOT NULL, PRIMARY KEY (grp, endpoint, cell));
   CREATE INDEX snapshot_tally_members_cell ON snapshot_tally_members (cell, endpoint);
   CREATE TABLE snapshot_tally_keys (grp TEXT NOT NULL, endpoint TEXT NOT NULL, entry_key TEXT NOT NULL,
     base TEXT, deviants INTEGER NOT NULL, PRIMARY KEY (grp, endpoint, entry_key));
   CREATE TABLE snapshot_tally_cells (grp TEXT NOT NULL, endpoint TEXT NOT NULL, entry_key TEXT NOT NULL,
     cell TEXT NOT NULL, value TEXT, PRIMARY KEY (grp, endpoint, entry_key, cell));
   CREATE INDEX snapshot_tally_cells_cell ON snapshot_tally_cells (grp, endpoint, cell);`;

// How many cells hold each deviating value of a key ('' stands for "lacks the key"): whether a
// deviating value overtook the base is one indexed lookup, not a read of every deviant row.
const TALLY_VALUES_SQL = `CREATE TABLE snapshot_tally_values (grp TEXT NOT NULL, endpoint TEXT NOT NULL,
     entry_key TEXT NOT NULL, value TEXT NOT NULL, holders INTEGER NOT NULL,
     PRIMARY KEY (grp, endpoint, entry_key, value));
   CREATE INDEX snapshot_tally_values_holders ON snapshot_tally_values (grp, endpoint, entry_key, holders);`;

export const SNAPSHOT_MIGRATIONS: Migrations = {
  sqlite: [
    `CREATE TABLE snapshot_bodies (hash TEXT PRIMARY KEY, body BLOB NOT NULL);
   CREATE TABLE snapshot_versions (id INTEGER PRIMARY KEY AUTOINCREMENT, cell TEXT NOT NULL,
     endpoint TEXT NOT NULL, hash TEXT NOT NULL, taken_at INTEGER NOT NULL, received_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL, status TEXT NOT NULL);
   CREATE INDEX snapshot_versions_cell ON snapshot_versions (cell, endpoint, id);
   CREATE TABLE snapshot_chunks (cell TEXT NOT NULL, endpoint TEXT NOT NULL, hash TEXT NOT NULL,
     idx INTEGER NOT NULL, count INTEGER NOT NULL, data TEXT NOT NULL, received_at INTEGER NOT NULL,
     PRIMARY KEY (cell, endpoint, hash, idx));
   CREATE TABLE snapshot_drift (id INTEGER PRIMARY KEY AUTOINCREMENT, cell TEXT NOT NULL, endpoint TEXT NOT NULL,
     at INTEGER NOT NULL, from_hash TEXT NOT NULL, to_hash TEXT NOT NULL, text TEXT NOT NULL, changes TEXT NOT NULL);
   CREATE INDEX snapshot_drift_cell ON snapshot_drift (cell, at);
   CREATE TABLE snapshot_groups (cell TEXT PRIMARY KEY, grp TEXT NOT NULL);
   CREATE TABLE snapshot_golden (grp TEXT NOT NULL, endpoint TEXT NOT NULL, cell TEXT NOT NULL, hash TEXT NOT NULL,
     pinned_at INTEGER NOT NULL, PRIMARY KEY (grp, endpoint));
   CREATE TABLE snapshot_group_rules (grp TEXT PRIMARY KEY, rules TEXT NOT NULL);`,
    // Pruning asks "does any version still use this body?" per dropped hash.
    'CREATE INDEX snapshot_versions_hash ON snapshot_versions (hash)',
    // The sister tally (tally-store.ts): members counted, each key's base, a row per deviating cell.
    TALLY_SQL,
    TALLY_VALUES_SQL,
  ],
  postgres: [
    `CREATE TABLE snapshot_bodies (hash TEXT PRIMARY KEY, body BYTEA NOT NULL);
     CREATE TABLE snapshot_versions (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, cell TEXT NOT NULL,
       endpoint TEXT NOT NULL, hash TEXT NOT NULL, taken_at BIGINT NOT NULL, received_at BIGINT NOT NULL,
       last_seen_at BIGINT NOT NULL, status TEXT NOT NULL);
     CREATE INDEX snapshot_versions_cell ON snapshot_versions (cell, endpoint, id);
     CREATE INDEX snapshot_versions_hash ON snapshot_versions (hash);
     CREATE TABLE snapshot_chunks (cell TEXT NOT NULL, endpoint TEXT NOT NULL, hash TEXT NOT NULL,
       idx INTEGER NOT NULL, count INTEGER NOT NULL, data TEXT NOT NULL, received_at BIGINT NOT NULL,
       PRIMARY KEY (cell, endpoint, hash, idx));
     CREATE TABLE snapshot_drift (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, cell TEXT NOT NULL,
       endpoint TEXT NOT NULL, at BIGINT NOT NULL, from_hash TEXT NOT NULL, to_hash TEXT NOT NULL,
       text TEXT NOT NULL, changes TEXT NOT NULL);
     CREATE INDEX snapshot_drift_cell ON snapshot_drift (cell, at);
     CREATE TABLE snapshot_groups (cell TEXT PRIMARY KEY, grp TEXT NOT NULL);
     CREATE TABLE snapshot_golden (grp TEXT NOT NULL, endpoint TEXT NOT NULL, cell TEXT NOT NULL,
       hash TEXT NOT NULL, pinned_at BIGINT NOT NULL, PRIMARY KEY (grp, endpoint));
     CREATE TABLE snapshot_group_rules (grp TEXT PRIMARY KEY, rules TEXT NOT NULL);`,
    TALLY_SQL,
    TALLY_VALUES_SQL,
  ],
};
