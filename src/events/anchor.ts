import { createHmac, timingSafeEqual } from 'node:crypto';
import { UntrustedCheckpointError } from './errors.js';
import type { Checkpoint, CheckpointStore, SignedHead } from './store/port.js';

/**
 * Signatures that tie the hash chain to a key kept outside the database (ENGINE_LOG_KEY, read by the
 * CLI and passed in here). The chain alone is plain sha256: anyone with the file can rewrite events
 * and recompute every hash. An HMAC-SHA256 over a (position, hash) pair cannot be made without the
 * key, so a signed head proves the log held that chain point when it was signed, and a sealed
 * checkpoint proves the engine itself saved that state.
 *
 * The signed text is a fixed, versioned layout (one field per line), so no encoding choice can make
 * two different heads sign alike.
 */
export type LogKey = string;

const HEAD_DOMAIN = 'engine/signed-head/v1';
const CHECKPOINT_DOMAIN = 'engine/checkpoint-seal/v1';

function hmac(key: LogKey, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function signHead(key: LogKey, head: { position: number; hash: string; at: string }): SignedHead {
  const mac = hmac(key, [HEAD_DOMAIN, String(head.position), head.hash, head.at].join('\n'));
  return { position: head.position, hash: head.hash, at: head.at, mac };
}

export function headSignatureValid(key: LogKey, head: SignedHead): boolean {
  return same(signHead(key, head).mac, head.mac);
}

/** The seal covers the chain point and the fingerprint, which is the sha256 of the state. */
export function sealOf(key: LogKey, c: Pick<Checkpoint, 'name' | 'position' | 'hash' | 'fingerprint'>): string {
  return hmac(key, [CHECKPOINT_DOMAIN, c.name, String(c.position), c.hash, c.fingerprint].join('\n'));
}

/**
 * A CheckpointStore that seals what it saves with the log key and refuses, on load, a checkpoint whose
 * seal is missing or wrong (UntrustedCheckpointError): a checkpoint forged by someone with the file
 * but not the key, or saved before the key was set. Whoever loads it warns and rebuilds from the log.
 */
export class SealedCheckpointStore implements CheckpointStore {
  constructor(
    private readonly inner: CheckpointStore,
    private readonly key: LogKey,
  ) {}

  async load(name: string): Promise<Checkpoint | null> {
    const c = await this.inner.load(name);
    if (c === null) return null;
    if (typeof c.seal !== 'string' || c.seal === '') throw new UntrustedCheckpointError(name, 'it carries no seal, and ENGINE_LOG_KEY is set (saved without the key, or forged)');
    if (!same(sealOf(this.key, c), c.seal)) throw new UntrustedCheckpointError(name, 'its seal does not verify under ENGINE_LOG_KEY (forged, or saved under another key)');
    return c;
  }

  async save(c: Checkpoint): Promise<void> {
    await this.inner.save({ ...c, seal: sealOf(this.key, c) });
  }

  /** Names only: each is still checked by load() before it is used. */
  async list(prefix: string): Promise<Array<{ name: string; position: number }>> {
    return this.inner.list ? this.inner.list(prefix) : [];
  }
}
