import type { AnchorStore, SignedHead } from '../port.js';

/** Signed heads in memory (tests, and stores that keep nothing on disk). */
export class MemoryAnchorStore implements AnchorStore {
  private readonly heads: SignedHead[] = [];

  async add(head: SignedHead): Promise<void> {
    this.heads.push({ ...head });
  }

  async list(): Promise<SignedHead[]> {
    return this.heads.map((h) => ({ ...h }));
  }
}
