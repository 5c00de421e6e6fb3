import type Database from 'better-sqlite3';
import { GENESIS_HASH } from '../../hash-chain.js';

/** Written into `meta` so that a foreign SQLite file is never mistaken for an event log. */
export const STORE_MAGIC = 'event-sourced-trading-engine/event-log';
export const STORE_SCHEMA_VERSION = 1;

/**
 * One append-only table. `position INTEGER PRIMARY KEY` is the rowid: without AUTOINCREMENT, and with
 * the store always inserting head + 1, positions are contiguous 1, 2, 3... The UNIQUE(stream,
 * stream_version) index also serves every per-stream query (stream is its leading column), so no
 * separate index on stream is kept: it would only slow appends down.
 */
export const EVENTS_DDL = `
CREATE TABLE IF NOT EXISTS events (
  position       INTEGER PRIMARY KEY,
  stream         TEXT    NOT NULL,
  stream_version INTEGER NOT NULL,
  event_id       TEXT    NOT NULL,
  type           TEXT    NOT NULL,
  schema_version INTEGER NOT NULL,
  data           TEXT    NOT NULL,
  metadata       TEXT    NOT NULL,
  prev_hash      TEXT    NOT NULL,
  hash           TEXT    NOT NULL,
  UNIQUE (stream, stream_version),
  UNIQUE (event_id)
);
CREATE TRIGGER IF NOT EXISTS events_refuse_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
CREATE TRIGGER IF NOT EXISTS events_refuse_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;
`;

const META_DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/**
 * Beside the log, outside its hash chain: projection checkpoints and signed heads. As far as SQLite
 * allows, neither can be made to claim a point the chain does not have: an INSERT must name a position
 * whose stored event has the given hash. Checkpoints are never edited (a save inserts a new row and
 * drops the older ones of that projection); signed heads are append-only like the events. Anyone with
 * the file can drop triggers, which is why checkpoints are also checked on load (ProjectionRunner) and
 * signed heads carry an HMAC (src/events/anchor.ts). Files written before these tables existed keep an
 * unused `checkpoints` table: its rows name no chain point, so they are never trusted.
 */
export const SIDE_TABLES_DDL = `
CREATE TABLE IF NOT EXISTS projection_checkpoints (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL,
  position    INTEGER NOT NULL,
  hash        TEXT    NOT NULL,
  fingerprint TEXT    NOT NULL,
  state       TEXT    NOT NULL,
  seal        TEXT
);
CREATE INDEX IF NOT EXISTS projection_checkpoints_by_name ON projection_checkpoints (name, id);
CREATE TRIGGER IF NOT EXISTS projection_checkpoints_refuse_update BEFORE UPDATE ON projection_checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are immutable: UPDATE refused (save a new one)'); END;
CREATE TRIGGER IF NOT EXISTS projection_checkpoints_on_chain BEFORE INSERT ON projection_checkpoints
WHEN NEW.hash IS NOT (CASE WHEN NEW.position = 0 THEN '${GENESIS_HASH}' ELSE (SELECT hash FROM events WHERE position = NEW.position) END)
BEGIN SELECT RAISE(ABORT, 'checkpoint refused: no event of this chain has its position and hash'); END;
CREATE TABLE IF NOT EXISTS anchors (
  id       INTEGER PRIMARY KEY,
  position INTEGER NOT NULL,
  hash     TEXT    NOT NULL,
  at       TEXT    NOT NULL,
  mac      TEXT    NOT NULL
);
CREATE TRIGGER IF NOT EXISTS anchors_refuse_update BEFORE UPDATE ON anchors
BEGIN SELECT RAISE(ABORT, 'signed heads are append-only: UPDATE refused'); END;
CREATE TRIGGER IF NOT EXISTS anchors_refuse_delete BEFORE DELETE ON anchors
BEGIN SELECT RAISE(ABORT, 'signed heads are append-only: DELETE refused'); END;
CREATE TRIGGER IF NOT EXISTS anchors_on_chain BEFORE INSERT ON anchors
WHEN NEW.hash IS NOT (SELECT hash FROM events WHERE position = NEW.position)
BEGIN SELECT RAISE(ABORT, 'signed head refused: no event of this chain has its position and hash'); END;
`;

/**
 * WAL lets readers (subscriptions, other processes) run beside the one writer. synchronous=NORMAL in
 * WAL mode never corrupts the database and survives a crash of the process; only an OS crash or
 * power loss can roll back the last few committed transactions. FULL fsyncs the WAL on every commit
 * and is available through the `synchronous` open option where that guarantee is worth the latency.
 */
export function applyPragmas(db: Database.Database, synchronous: 'NORMAL' | 'FULL' = 'NORMAL'): void {
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
}

/** Creates the schema if absent; safe to run concurrently from several processes. */
export function createSchema(db: Database.Database): void {
  db.transaction(() => {
    db.exec(META_DDL);
    db.exec(EVENTS_DDL);
    db.exec(SIDE_TABLES_DDL);
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('magic', STORE_MAGIC);
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(STORE_SCHEMA_VERSION));
  }).immediate();
}
