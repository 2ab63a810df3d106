/** A saved pass kept in a worker's kernel memory. */
export interface RemoteSave {
  readonly worker: number;
  readonly savedId: number;
}

/**
 * The lifetime of saves that workers keep for the caller's split passes. A worker frees a
 * save once its backward has run; when the caller drops a pass without a backward (its
 * handle is collected), the ids go to the worker with its next job, which frees them first.
 */
export class RemoteSaves {
  private readonly releases = new Map<number, number[]>();
  private readonly dropped = new FinalizationRegistry<{ pool: object; saves: readonly RemoteSave[] }>(({ pool, saves }) => {
    // A closed pool's workers are gone, and their saves with them.
    if (pool !== this.currentPool()) return;
    for (const s of saves) this.releases.set(s.worker, [...(this.releases.get(s.worker) ?? []), s.savedId]);
  });

  constructor(private readonly currentPool: () => object | null) {}

  /** Releases `saves` (made on `pool`'s workers) once `handle` is collected. */
  track(handle: object, pool: object, saves: readonly RemoteSave[]): void {
    if (saves.length > 0) this.dropped.register(handle, { pool, saves });
  }

  /** The ids worker `worker` should free before its next job (taken: sent once). */
  take(worker: number): readonly number[] | undefined {
    const ids = this.releases.get(worker);
    if (!ids || ids.length === 0) return undefined;
    this.releases.delete(worker);
    return ids;
  }

  /** Forgets every pending release (the pool closed). */
  clear(): void {
    this.releases.clear();
  }
}
