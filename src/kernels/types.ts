/**
 * The contract between the layers and a kernel backend: one whole-sequence pass of one
 * layer and direction, forward and backward (BPTT inside), on flat float32 arrays.
 * Every backend (the TypeScript reference, WebAssembly) implements exactly this, and one
 * contract test suite checks them all.
 */

/** The recurrent cell a pass runs. */
export type CellMode = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';

/** Gates stacked in the weight rows, in PyTorch order: LSTM i,f,g,o; GRU r,z,n; RNN one block. */
export function gateCount(mode: CellMode): number {
  return mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1;
}

/** Gate names in weight-row order, as the trace reports them. */
export function gateNames(mode: CellMode): readonly string[] {
  return mode === 'lstm' ? ['i', 'f', 'g', 'o'] : mode === 'gru' ? ['r', 'z', 'n'] : [];
}

/**
 * Sizes of one pass. T steps, B sequences, I input features, H hidden units, and P the
 * size of h (the projection size for a projected LSTM, otherwise H).
 */
export interface SequenceDims {
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  readonly P: number;
}

/** Weights of one layer and direction, PyTorch layout (row-major, gates stacked along rows). */
export interface SequenceWeights {
  /** [G*H, I] */
  readonly wIh: Float32Array;
  /** [G*H, P] */
  readonly wHh: Float32Array;
  /** [G*H] or null without bias */
  readonly bIh: Float32Array | null;
  /** [G*H] or null without bias */
  readonly bHh: Float32Array | null;
  /** [P, H], LSTM projection, or null */
  readonly wHr: Float32Array | null;
}

export interface SequenceForwardArgs {
  readonly mode: CellMode;
  readonly dims: SequenceDims;
  readonly weights: SequenceWeights;
  /** [T, B, I], time-major */
  readonly x: Float32Array;
  /** [B, P] */
  readonly h0: Float32Array;
  /** [B, H] for LSTM, else null */
  readonly c0: Float32Array | null;
  /**
   * Steps used by each sequence, or null for all T. Steps t >= lengths[b] leave the state
   * unchanged and output 0, so the forward direction stops at each sequence's own end and
   * the reverse direction starts there (PyTorch's packed-sequence semantics).
   */
  readonly lengths: Int32Array | null;
  /** Run t = T-1 .. 0. */
  readonly reverse: boolean;
  /** Keep what the backward pass needs. */
  readonly saveForBackward: boolean;
  /** Also return per-step gate activations, cell and hidden states. */
  readonly trace: boolean;
}

/** Per-step internals of a pass, time-major ([T, B, ...]) whatever the direction. */
export interface SequenceTrace {
  /** [T, B, G*H] gate activations (after their nonlinearity); zero at padded steps. RNN: empty. */
  readonly gates: Float32Array;
  /** [T, B, H] LSTM cell state after each step, else null. */
  readonly c: Float32Array | null;
  /** [T, B, P] hidden state after each step (held, not zeroed, at padded steps). */
  readonly h: Float32Array;
}

export interface SequenceForwardResult {
  /** [T, B, P], zero at padded steps */
  readonly y: Float32Array;
  /** [B, P] */
  readonly hN: Float32Array;
  /** [B, H] for LSTM, else null */
  readonly cN: Float32Array | null;
  readonly trace: SequenceTrace | null;
  /** Backend-private data for the backward pass (null unless saveForBackward). */
  readonly saved: unknown;
}

export interface SequenceBackwardArgs {
  readonly forward: SequenceForwardArgs;
  readonly result: SequenceForwardResult;
  /** dL/dy, [T, B, P], or null */
  readonly dy: Float32Array | null;
  /** dL/dh_N, [B, P], or null */
  readonly dhN: Float32Array | null;
  /** dL/dc_N, [B, H], or null */
  readonly dcN: Float32Array | null;
  /** Also return dL/dh_t for every step (for plotting vanishing gradients). */
  readonly stepGrads: boolean;
}

export interface SequenceGrads {
  readonly dx: Float32Array;
  readonly dh0: Float32Array;
  readonly dc0: Float32Array | null;
  readonly dWIh: Float32Array;
  readonly dWHh: Float32Array;
  readonly dBIh: Float32Array | null;
  readonly dBHh: Float32Array | null;
  readonly dWHr: Float32Array | null;
  /** [T, B, P] total gradient reaching h_t (zero at padded steps), when asked for. */
  readonly dhSteps: Float32Array | null;
}

/**
 * Row-major matrix product with leading dimensions, BLAS-style:
 * C[m, n] = alpha * op(A) op(B) + beta * C (see kernels/js/gemm.ts for the reference).
 */
export type GemmFn = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  aOff: number,
  lda: number,
  b: Float32Array,
  bOff: number,
  ldb: number,
  beta: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
) => void;

/** A set of kernels the layers can run on. */
export interface Backend {
  readonly name: string;
  /** Matrix product for the dense layers (linear heads); the reference one is used when absent. */
  readonly gemm?: GemmFn;
  sequenceForward(args: SequenceForwardArgs): SequenceForwardResult;
  sequenceBackward(args: SequenceBackwardArgs): SequenceGrads;
}
