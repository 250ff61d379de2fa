// The snapshot tables, per dialect. SQLite step 1 is the schema hubs already run on (its text
// must not change: databases record it as applied); the PostgreSQL schema starts complete.
// Times are ms since the epoch (BIGINT on PostgreSQL); bodies are gzip(canonical content).
import type { Migrations } from '../db/sql.ts';

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
  ],
};
