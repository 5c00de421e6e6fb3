import type Database from 'better-sqlite3';
import type { Checkpoint, CheckpointStore } from '../port.js';

/** Projection checkpoints in the `checkpoints` table beside the log (mutable, unlike `events`). */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly selectOne: Database.Statement<[string], Checkpoint>;
  private readonly upsert: Database.Statement<[string, number, string, string]>;

  constructor(db: Database.Database) {
    this.selectOne = db.prepare('SELECT name, position, fingerprint, state FROM checkpoints WHERE name = ?');
    this.upsert = db.prepare(
      'INSERT INTO checkpoints (name, position, fingerprint, state) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT(name) DO UPDATE SET position = excluded.position, fingerprint = excluded.fingerprint, state = excluded.state',
    );
  }

  async load(name: string): Promise<Checkpoint | null> {
    return this.selectOne.get(name) ?? null;
  }

  async save(c: Checkpoint): Promise<void> {
    this.upsert.run(c.name, c.position, c.fingerprint, c.state);
  }
}
