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
  /** The LSTM's ||dL/dc_t||: the gradient along the cell-state path. */
  cellGradNorm: number[];
}

/** One model reading the same recall sequence in CLASSES variants (marked symbol 0..CLASSES-1). */
export interface RememberTrace {
  H: number;
  /** Units whose state (c for the LSTM, h otherwise, just before the query) best tells the symbol. */
  units: number[];
  /** Their nearest-class-mean decoding accuracy on 256 held-out sequences. */
  unitAccuracy: number[];
  /** [T, CLASSES, H] time-major. */
  gates: Record<string, Float32Array>;
  c: Float32Array | null;
  h: Float32Array;
  /** P(answer = the marked symbol) at the query, per variant. */
  correctProb: number[];
}

export interface RememberData {
  step: number;
  T: number;
  markAt: number;
  /** Input symbol at each step (the marked step varies by variant), -1 at the query. */
  symbols: number[];
  cells: Record<CellKind, RememberTrace>;
}

export type FromWorker =
  /** The kernels training runs on, and the threads its large passes use. */
  | { type: 'backend'; name: string; threads: number }
  | { type: 'progress'; step: number; loss: Record<CellKind, number> }
  | { type: 'eval'; step: number; report: EvalReport; remember: RememberData }
  | { type: 'done'; step: number }
  | { type: 'error'; message: string };
