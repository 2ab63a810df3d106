import { RecurError } from '../../../errors.js';
import { browserChannels } from './browser-transport.js';
import type { Job, Reply } from './job.js';
import { nodeChannels } from './node-transport.js';


/** One worker and the way to reach it (node-transport.ts, browser-transport.ts). */
export interface Channel {
  /**
   * 'loading' until the worker can take jobs (a browser starts a worker only once the
   * creating thread returns to its event loop), 'failed' when it never will.
   */
  state(): 'loading' | 'ready' | 'failed';
  /** Resolves once the state has left 'loading'. */
  readonly settled: Promise<void>;
  post(job: Job): void;
  /** Blocks until the reply to the posted job; throws E_WORKER past the deadline (ms since the epoch). */
  collect(deadline: number): Reply;
  close(): void;
}

// A stuck worker must fail loudly rather than hang the caller forever.
const WAIT_MS = 120_000;

/**
 * Workers that each run whole chunks of a pass on their own WASM instance, while the
 * caller blocks until they answer, so the Backend interface stays synchronous.
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

  /** Runs jobs[i] on worker i while `local` runs here; returns local's result and the replies. */
  run<L>(jobs: Job[], local: () => L): { local: L; replies: unknown[] } {
    jobs.forEach((job, i) => this.channels[i]!.post(job));
    let mine: L | undefined;
    let failure: { error: unknown } | null = null;
    try {
      mine = local();
    } catch (error) {
      failure = { error };
    }
    // Always drain, so no reply is left behind for the next call.
    const deadline = Date.now() + WAIT_MS;
    const replies = jobs.map((_, i) => this.channels[i]!.collect(deadline));
    if (failure) throw failure.error;
    const bad = replies.find((r) => !r.ok);
    if (bad && !bad.ok) throw new RecurError('E_WORKER', `wasm worker failed: ${bad.error}`);
    return { local: mine as L, replies: replies.map((r) => (r.ok ? r.value : null)) };
  }

  close(): void {
    for (const c of this.channels) c.close();
  }
}
