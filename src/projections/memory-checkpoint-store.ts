import type { Checkpoint, CheckpointStore } from '../events/store/port.js';

/** A CheckpointStore in memory: for tests and for one-shot rebuilds that need no persistence. */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly saved = new Map<string, Checkpoint>();

  async load(name: string): Promise<Checkpoint | null> {
    const c = this.saved.get(name);
    return c ? { ...c } : null;
  }

  async save(checkpoint: Checkpoint): Promise<void> {
    this.saved.set(checkpoint.name, { ...checkpoint });
  }

  async list(prefix: string): Promise<Array<{ name: string; position: number }>> {
    return [...this.saved.values()].filter((c) => c.name.startsWith(prefix)).map((c) => ({ name: c.name, position: c.position })).sort((a, b) => a.position - b.position);
  }
}
