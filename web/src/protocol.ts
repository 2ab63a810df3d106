// Messages between the memory panel and its training worker.
export type CellKind = 'rnn' | 'gru' | 'lstm';
export const CELLS: readonly CellKind[] = ['rnn', 'gru', 'lstm'];

export interface TrainSettings {
  seqLen: number;
  hidden: number;
  lr: number;
  steps: number;
  batch: number;
  seed: number;
  /** Evaluate (accuracy by distance, gradient norms) every this many steps. */
  evalEvery: number;
}

export type ToWorker = { type: 'start'; settings: TrainSettings } | { type: 'stop' };

export interface EvalReport {
  /** Distance bins [lo, hi] in steps. */
  bins: Array<[number, number]>;
  accuracy: Record<CellKind, number[]>;
  /** Mean over the batch of ||dL/dh_t||, t = 0..T-1. */
  gradNorm: Record<CellKind, number[]>;
}

export type FromWorker =
  /** The kernels training runs on, and the threads its large passes use. */
  | { type: 'backend'; name: string; threads: number }
  | { type: 'progress'; step: number; loss: Record<CellKind, number> }
  | { type: 'eval'; step: number; report: EvalReport }
  | { type: 'done'; step: number }
  | { type: 'error'; message: string };
