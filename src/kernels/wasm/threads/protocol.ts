// What a calling thread and its pool workers exchange, on every transport: jobs, replies,
// and the channel a pool reaches one worker through.
import type { SequenceBackwardArgs, SequenceForwardArgs, SequenceForwardResult, SequenceGrads } from '../../types.js';
import type { UnitsCall } from '../calls.js';
import type { KernelVariant, WasmMemory } from '../module.js';

/** A worker's part of a pass split by hidden units: the team's shared memory and its kernel call. */
export interface UnitsJob {
  /** Which team's memory (a worker instantiates the shared build once per team). */
  readonly team: number;
  readonly memory: WasmMemory;
  readonly variant: KernelVariant;
  readonly call: UnitsCall;
}

/** Ids of saved passes in the worker whose handles the caller has dropped (freed before the job runs). */
type Releases = { readonly release?: readonly number[] };

/**
 * A job for a worker: one chunk's forward or backward pass on its single-thread backend, or
 * its units of a pass split by hidden units.
 */
export type Job =
  | ({ readonly kind: 'forward'; readonly args: SequenceForwardArgs } & Releases)
  | ({ readonly kind: 'backward'; readonly args: SequenceBackwardArgs } & Releases)
  | { readonly kind: 'units'; readonly args: UnitsJob };

/** What each kind of job answers. */
export interface ReplyValue {
  readonly forward: SequenceForwardResult;
  readonly backward: SequenceGrads;
  /** 0, or 1 when a thread stopped answering at a barrier. */
  readonly units: number;
}

export type JobKind = Job['kind'];

/** A worker's answer; a failure carries the message, so the caller can fall back. */
export type Reply<K extends JobKind = JobKind> = { readonly ok: true; readonly value: ReplyValue[K] } | { readonly ok: false; readonly error: string };

/** A job for one worker of the pool, by its index. */
export interface Assignment<J extends Job = Job> {
  readonly worker: number;
  readonly job: J;
}

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
  /**
   * Blocks until the reply to the posted job; throws E_WORKER past the deadline (ms since the
   * epoch). With `borrow`, the reply's arrays may be views of the channel's shared memory
   * (browsers), valid only until its next job is posted: for callers that copy them at once.
   */
  collect(deadline: number, borrow?: boolean): Reply;
  close(): void;
}
