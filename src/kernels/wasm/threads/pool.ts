import { RecurError } from '../../../errors.js';
import { browserChannels } from './browser-transport.js';
import { nodeChannels } from './node-transport.js';
import type { Assignment, Channel, Job, ReplyValue } from './protocol.js';

// A stuck worker must fail loudly rather than hang the caller forever.
const WAIT_MS = 120_000;

/**
 * Workers that each run their jobs on their own WASM instance, while the caller blocks until
 * they answer, so the Backend interface stays synchronous.
 */
export class WorkerPool {
  private constructor(private readonly channels: Channel[]) {}

  /** A pool of n workers: Node worker_threads, or Web Workers where a browser allows (else null). */
  static create(n: number): WorkerPool | null {
    const open = nodeChannels() ?? browserChannels();
    if (!open) return null;
    const channels: Channel[] = [];
    try {
      for (let i = 0; i < n; i++) channels.push(open());
    } catch {
      // e.g. a Content-Security-Policy that refuses workers: no pool, one thread.
      for (const c of channels) c.close();
      return null;
    }
    return new WorkerPool(channels);
  }

  get size(): number {
    return this.channels.length;
  }

  /** 'ready' when every worker can take jobs, 'failed' when one never will. */
  state(): 'loading' | 'ready' | 'failed' {
    const states = this.channels.map((c) => c.state());
    return states.includes('failed') ? 'failed' : states.includes('loading') ? 'loading' : 'ready';
  }

  /** Resolves once every worker has loaded or failed. */
  async settled(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.settled));
  }

  /**
   * Posts each job to its worker (at most one job per worker), runs `local` here meanwhile,
   * and returns local's result and the replies in the order of `jobs`. With `borrow`, the
   * replies' arrays may be views valid only until the next run (Channel.collect).
   */
  run<J extends Job, L>(jobs: readonly Assignment<J>[], local: () => L, borrow = false): { local: L; replies: ReplyValue[J['kind']][] } {
    const workers = jobs.map((a) => a.worker);
    if (new Set(workers).size !== workers.length || workers.some((w) => !(w >= 0 && w < this.size))) {
      throw new RangeError(`WorkerPool.run: workers ${workers.join(', ')} are not distinct workers of a pool of ${this.size}`);
    }
    jobs.forEach((a) => this.channels[a.worker]!.post(a.job));
    let mine: L | undefined;
    let failure: { error: unknown } | null = null;
    try {
      mine = local();
    } catch (error) {
      failure = { error };
    }
    // Always drain, so no reply is left behind for the next call.
    const deadline = Date.now() + WAIT_MS;
    const replies = jobs.map((a) => this.channels[a.worker]!.collect(deadline, borrow));
    if (failure) throw failure.error;
    const values: ReplyValue[J['kind']][] = [];
    for (const r of replies) {
      if (!r.ok) throw new RecurError('E_WORKER', `wasm worker failed: ${r.error}`);
      // A reply answers the job posted on its channel, so its value is of that job's kind.
      values.push(r.value as ReplyValue[J['kind']]);
    }
    return { local: mine as L, replies: values };
  }

  close(): void {
    for (const c of this.channels) c.close();
  }
}
