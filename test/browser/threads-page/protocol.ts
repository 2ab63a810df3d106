// What the threads test page reports (read by test/browser/threads.test.ts).

/** How a run at 2 threads compares with the run at 1 thread, one result array. */
export interface Comparison {
  readonly length: number;
  /** Every element bit-identical. */
  readonly identical: boolean;
  /** max |a - b| / max |b|: float32 summation order moves this, nothing else should. */
  readonly relError: number;
  /** max |b|, to show the values are real (not all zero). */
  readonly maxAbs: number;
}

export interface ThreadRun {
  /** What startThreads() resolved to. */
  readonly started: number;
  readonly liveWorkers: number;
  /** The pass came back as chunks (it was split across workers). */
  readonly split: boolean;
  readonly forward: Record<string, Comparison>;
  readonly grads: Record<string, Comparison>;
  readonly ms: number;
}

/** What the page's dedicated worker reports. */
export interface WorkerReport {
  readonly isolated: boolean;
  readonly sharedMemory: boolean;
  readonly defaultThreads: number;
  readonly hardwareConcurrency: number;
  readonly msOneThread: number;
  /** A batch-1 inference pass at 2 threads (split by hidden units) against 1 thread: y. */
  readonly units: Comparison;
  /** Its best of 31 calls on 1 and 2 threads (the first run before the engine optimises the kernels), ms; printed, not asserted. */
  readonly msUnits: readonly [number, number];
  /**
   * Inference at 2 threads against the same at 1 thread (y, hN, cN; traces null): two passes
   * (the second on another input, run before the first is compared), then both directions of
   * each input at once (sequenceForwardMany), as for a bidirectional layer, and the same
   * again written into one joined output (`into`), as the layer does at inference.
   */
  readonly inference: readonly Record<string, Comparison>[];
  /** Two runs at threads 2: the first grows the reply areas (a chunk's forward reply is ~3.5 MB, the first area 1 MiB), the second reuses them. */
  readonly runs: readonly ThreadRun[];
}

/** What the page's main thread reports: setThreads(2) there must run on one thread. */
export interface MainReport {
  readonly threads: number;
  readonly started: number;
  readonly liveWorkers: number;
  readonly split: boolean;
  readonly identical: boolean;
}

/** What the page sends the harness worker first: `wasmPaths` from the page's query (?wasmPaths=/cdn/), as an absolute URL. */
export interface HarnessSettings {
  readonly wasmPaths?: string;
}

/** What the harness worker posts to the page. */
export type HarnessMessage = { ok: true; worker: WorkerReport } | { ok: false; error: string };

export type PageResult = { ok: true; worker: WorkerReport; main: MainReport } | { ok: false; error: string };
