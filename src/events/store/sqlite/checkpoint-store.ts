import type Database from 'better-sqlite3';
import type { Checkpoint, CheckpointStore } from '../port.js';
import { StoreUnavailableError } from '../../errors.js';
import { asStoreError } from './sqlite-errors.js';

interface Row {
  id: number;
  name: string;
  position: number;
  hash: string;
  fingerprint: string;
  state: string;
  seal: string | null;
}

/**
 * Projection checkpoints in the `projection_checkpoints` table beside the log (./schema.ts): a save
 * inserts a row (refused by a trigger unless its position and hash name a point of the chain) and
 * drops the older rows of that projection; rows are never updated. On a file written before the table
 * existed, a read-only connection finds no checkpoint.
 */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly selectNewest: Database.Statement<[string], Row> | null;
  private readonly insert: Database.Statement<[string, number, string, string, string, string | null]> | null;
  private readonly prune: Database.Statement<[string, number]> | null;
  private readonly selectNames: Database.Statement<[string, string], { name: string; position: number }> | null;

  constructor(
    private readonly db: Database.Database,
    private readonly location: string,
  ) {
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'projection_checkpoints'").get() !== undefined;
    this.selectNewest = exists
      ? db.prepare('SELECT id, name, position, hash, fingerprint, state, seal FROM projection_checkpoints WHERE name = ? ORDER BY id DESC LIMIT 1')
      : null;
    this.insert = exists && !db.readonly
      ? db.prepare('INSERT INTO projection_checkpoints (name, position, hash, fingerprint, state, seal) VALUES (?, ?, ?, ?, ?, ?)')
      : null;
    this.prune = exists && !db.readonly ? db.prepare('DELETE FROM projection_checkpoints WHERE name = ? AND id < ?') : null;
    this.selectNames = exists
      ? db.prepare('SELECT name, position FROM projection_checkpoints WHERE id IN (SELECT MAX(id) FROM projection_checkpoints WHERE substr(name, 1, length(?)) = ? GROUP BY name) ORDER BY position')
      : null;
  }

  async list(prefix: string): Promise<Array<{ name: string; position: number }>> {
    if (this.selectNames === null) return [];
    try {
      return this.selectNames.all(prefix, prefix);
    } catch (err) {
      throw asStoreError(err, this.location, `checkpoints named ${prefix}*`);
    }
  }

  async load(name: string): Promise<Checkpoint | null> {
    if (this.selectNewest === null) return null;
    let row: Row | undefined;
    try {
      row = this.selectNewest.get(name);
    } catch (err) {
      throw asStoreError(err, this.location, `checkpoint "${name}"`);
    }
    if (!row) return null;
    return { name: row.name, position: row.position, hash: row.hash, fingerprint: row.fingerprint, state: row.state, seal: row.seal };
  }

  async save(c: Checkpoint): Promise<void> {
    const insert = this.insert;
    const prune = this.prune;
    if (insert === null || prune === null) throw new StoreUnavailableError(`${this.location} was opened read-only`);
    try {
      this.db.transaction(() => {
        const id = Number(insert.run(c.name, c.position, c.hash, c.fingerprint, c.state, c.seal ?? null).lastInsertRowid);
        prune.run(c.name, id);
      }).immediate();
    } catch (err) {
      throw asStoreError(err, this.location, `checkpoint "${c.name}" at position ${c.position}`);
    }
  }
}
