import Database from 'better-sqlite3';
import { computeHash } from '../../src/events/hash-chain.js';

/** The attacker's tools: the raw driver on the file, every trigger dropped (events, checkpoints, anchors). */
export function withRaw<T>(db: string, fn: (raw: Database.Database) => T): T {
  const raw = new Database(db);
  try {
    for (const t of raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as Array<{ name: string }>) raw.exec(`DROP TRIGGER "${t.name}"`);
    return fn(raw);
  } finally {
    raw.close();
  }
}

export type EventRow = { position: number; stream: string; stream_version: number; event_id: string; type: string; schema_version: number; data: string; metadata: string; prev_hash: string; hash: string };

/**
 * Stores other bytes at `position`, then recomputes its hash and every later link over the bytes as
 * stored: the chain verifies again. Plain sha256, no key: anyone with the file can do it.
 */
export function rechainFrom(db: string, position: number, edit: (row: EventRow) => Partial<Pick<EventRow, 'data' | 'metadata'>>): void {
  withRaw(db, (raw) => {
    const rows = raw.prepare('SELECT * FROM events WHERE position >= ? ORDER BY position').all(position) as EventRow[];
    let prevHash = rows[0]!.prev_hash;
    for (const [i, row] of rows.entries()) {
      const r = i === 0 ? { ...row, ...edit(row) } : row;
      const hash = computeHash({ stream: r.stream, streamVersion: r.stream_version, eventId: r.event_id, type: r.type, schemaVersion: r.schema_version, prevHash, dataJson: r.data, metadataJson: r.metadata });
      raw.prepare('UPDATE events SET data = ?, metadata = ?, prev_hash = ?, hash = ? WHERE position = ?').run(r.data, r.metadata, prevHash, hash, r.position);
      prevHash = hash;
    }
  });
}

export function headOf(db: string): { position: number; hash: string } {
  const raw = new Database(db, { readonly: true });
  try {
    return raw.prepare('SELECT position, hash FROM events ORDER BY position DESC LIMIT 1').get() as { position: number; hash: string };
  } finally {
    raw.close();
  }
}
