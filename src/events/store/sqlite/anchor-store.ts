import type Database from 'better-sqlite3';
import type { AnchorStore, SignedHead } from '../port.js';
import { StoreUnavailableError } from '../../errors.js';
import { asStoreError } from './sqlite-errors.js';

/** Signed heads in the append-only `anchors` table beside the log (./schema.ts). */
export class SqliteAnchorStore implements AnchorStore {
  private readonly selectAll: Database.Statement<[], SignedHead> | null;
  private readonly insert: Database.Statement<[number, string, string, string]> | null;

  constructor(db: Database.Database, private readonly location: string) {
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'anchors'").get() !== undefined;
    this.selectAll = exists ? db.prepare('SELECT position, hash, at, mac FROM anchors ORDER BY id') : null;
    this.insert = exists && !db.readonly ? db.prepare('INSERT INTO anchors (position, hash, at, mac) VALUES (?, ?, ?, ?)') : null;
  }

  async add(h: SignedHead): Promise<void> {
    if (this.insert === null) throw new StoreUnavailableError(`${this.location} was opened read-only`);
    try {
      this.insert.run(h.position, h.hash, h.at, h.mac);
    } catch (err) {
      throw asStoreError(err, this.location, `signed head at position ${h.position}`);
    }
  }

  async list(): Promise<SignedHead[]> {
    if (this.selectAll === null) return [];
    try {
      return this.selectAll.all();
    } catch (err) {
      throw asStoreError(err, this.location, 'signed heads');
    }
  }
}
