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
  /**
   * A cell variant (peepholes, layer norm, recurrent dropout, ...). Only the reference
   * variant kernels (kernels/js/variants) read it; kernels/entry.ts routes such passes there,
   * and the built-in backends refuse them.
   */
  readonly variant?: CellVariant;
  /**
   * Recurrent dropout on a plain cell, for backends with `dropoutMasks`: the same masks as
   * CellVariant's inputMask and hiddenMask, computing what the variant kernels compute.
   */
  readonly dropout?: DropoutMasks;
  /**
   * Where y goes instead of a new array: the directions of a bidirectional layer at
   * inference, each written straight into its half of the layer's output (no per-direction
   * arrays, no concatenation). The result's y is then `into.data` itself. A backend may
   * ignore it and return y of its own: the layers' entry point copies it there then.
   */
  readonly into?: OutputTarget;
}

/**
 * Rows of a pass's output placed in a wider array: row r (of the T * B rows of P values)
 * at data[r * stride + offset], e.g. stride 2P and offset 0 or P for the two directions.
 * With `batch`, the pass's B sequences are rows first..first+B-1 of a batch of `of` (a
 * chunk of a batch split): its row (t, b) goes to row t * of + first + b.
 */
export interface OutputTarget {
  readonly data: Float32Array;
  readonly stride: number;
  readonly offset: number;
  readonly batch?: { readonly first: number; readonly of: number };
}

/** Variational dropout masks, one per sequence, pre-scaled (0 or 1/(1-p)); null = none. */
export interface DropoutMasks {
  /** [B, I] on x at every step */
  readonly input: Float32Array | null;
  /** [B, P] on h_{t-1} where it enters W_hh (GRU's direct z path reads the unmasked h) */
  readonly hidden: Float32Array | null;
}

/** Layer-norm gains and biases of one layer and direction (Ba et al. 2016). */
export interface LayerNormWeights {
  /** [G*H] gain and bias on x W_ih^T */
  readonly ihWeight: Float32Array;
  readonly ihBias: Float32Array;
  /** [G*H] gain and bias on h W_hh^T */
  readonly hhWeight: Float32Array;
  readonly hhBias: Float32Array;
  /** [H] gain and bias on the LSTM cell state before its tanh; null for GRU */
  readonly cWeight: Float32Array | null;
  readonly cBias: Float32Array | null;
}

/**
 * What a variant pass changes from the plain cell. Every field's "off" value gives PyTorch's cell.
 * Masks are pre-scaled (dropout: 0 or 1/(1-p)); zoneout masks hold 1 where a unit keeps its
 * previous value.
 */
export interface CellVariant {
  /** LSTM peephole weights [3H] in order i, f, o (i, f read c_{t-1}; o reads c_t); null = none. */
  readonly peephole: Float32Array | null;
  /** LSTM: f = 1 - i (ONNX input_forget). */
  readonly coupleInputForget: boolean;
  /** Gate pre-activations clipped to [-clip, clip] (ONNX clip); Infinity = none. */
  readonly clip: number;
  /** GRU: reset gate scales W_hn h + b_hn (true, PyTorch) or h before the product (false, ONNX linear_before_reset=0). */
  readonly resetAfter: boolean;
  readonly layerNorm: LayerNormWeights | null;
  /** [B, I] variational dropout mask on the input, the same at every step; null = none. */
  readonly inputMask: Float32Array | null;
  /** [B, P] variational dropout mask on h_{t-1} where it enters W_hh; null = none. */
  readonly hiddenMask: Float32Array | null;
  /** Zoneout: null = none. */
  readonly zoneout: ZoneoutMasks | null;
}

/** h_t = d h_{t-1} + (1 - d) h~_t (and the same for c with its own d). */
export interface ZoneoutMasks {
  /** [T, B, P] d for h in {0, 1} (training), or null to use d = p everywhere (evaluation). */
  readonly h: Float32Array | null;
  /** [T, B, H] d for the LSTM cell state, or null (d = p). */
  readonly c: Float32Array | null;
  readonly p: number;
}

/** Gradients of a variant's own parameters (absent entries: the variant has no such parameter). */
export interface VariantGrads {
  readonly dPeephole: Float32Array | null;
  readonly dLnIhWeight: Float32Array | null;
  readonly dLnIhBias: Float32Array | null;
  readonly dLnHhWeight: Float32Array | null;
  readonly dLnHhBias: Float32Array | null;
  readonly dLnCWeight: Float32Array | null;
  readonly dLnCBias: Float32Array | null;
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
  /**
   * Arrays to add the weight gradients into, each optional: autograd passes the parameters'
   * existing `.grad` so that a training step allocates no gradient arrays. A backend that
   * honours one adds its gradient into it (same length as the weight) and returns that very
   * array in SequenceGrads; one that does not returns a fresh array, which the caller adds.
   */
  readonly accumulateInto?: WeightGradTargets;
}

/** Per weight, an array of its size to add the gradient into (absent or null: none given). */
export interface WeightGradTargets {
  readonly dWIh?: Float32Array | null;
  readonly dWHh?: Float32Array | null;
  readonly dBIh?: Float32Array | null;
  readonly dBHh?: Float32Array | null;
  readonly dWHr?: Float32Array | null;
}

/**
 * Every array is allocated for the call and belongs to the caller, which may keep or modify
 * it: autograd makes them the tensors' `.grad`. None may be a view of another, of an input or
 * of kernel memory reused later (the backend contract tests check this on every backend).
 * The one exception: a weight gradient returned as the very array given in `accumulateInto`,
 * which then holds its old values plus this pass's gradient.
 */
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

/** What the variant kernels return: the plain gradients and those of the variant's own parameters. */
export interface VariantSequenceGrads extends SequenceGrads {
  readonly variant: VariantGrads | null;
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

/** What `Backend.prepareStep` needs: one layer and direction, for a fixed batch. */
export interface StepKernelOptions {
  readonly mode: CellMode;
  /** Sequences per step (1 for streaming). */
  readonly batch: number;
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** Size of h: the projection size of a projected LSTM, else hiddenSize. */
  readonly outSize: number;
  /** Read again by `refresh()`, so keep passing the same (mutated in place) arrays. */
  readonly weights: SequenceWeights;
}

/** One recurrent step on weights prepared once (no allocation per call; `stepSaved` for gradients). */
export interface StepKernel {
  /**
   * x [batch, inputSize], h [batch, outSize], c [batch, hidden] (LSTM, else null) -> the new
   * state in hOut (also the step's output) and cOut. Outputs may alias the inputs.
   */
  step(x: Float32Array, h: Float32Array, c: Float32Array | null, hOut: Float32Array, cOut: Float32Array | null): void;
  /**
   * `step` that also keeps what a backward pass reads (gradients enabled): returns the `saved`
   * of the T = 1 `sequenceForward` result this step equals, for the same backend's
   * `sequenceBackward`. It is held in JS arrays, freed as soon as nothing reaches it (or by
   * its backward), so a long loop never grows kernel memory. Absent where unsupported.
   */
  stepSaved?(x: Float32Array, h: Float32Array, c: Float32Array | null, hOut: Float32Array, cOut: Float32Array | null): unknown;
  /** Re-reads the weights after they changed (an optimiser step, loadStateDict). */
  refresh(): void;
  /** Frees the kernel's memory; the kernel must not be used afterwards. */
  dispose(): void;
}

/** Scalars of one plain Adam update (see training/optimizers/adam.ts). */
export interface AdamStepHyper {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** lr / (1 - beta1^t) */
  readonly stepSize: number;
  /** sqrt(1 - beta2^t) */
  readonly bc2Sqrt: number;
}

/** Plain Adam (no weight decay, no AMSGrad) in place on p, m, v from grad, all of one length. */
export type AdamStepFn = (p: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, h: AdamStepHyper) => void;

/** A set of kernels the layers can run on. */
export interface Backend {
  readonly name: string;
  /** Matrix product for the dense layers (linear heads); kernels/entry.ts uses the reference one when absent. */
  readonly gemm?: GemmFn;
  sequenceForward(args: SequenceForwardArgs): SequenceForwardResult;
  sequenceBackward(args: SequenceBackwardArgs): SequenceGrads;
  /**
   * Independent passes that will not be backpropagated (no saveForBackward, no variant), such
   * as the two directions of a bidirectional layer at inference: run concurrently where the
   * backend has threads, with the same results as sequenceForward on each in turn. When
   * absent, kernels/entry.ts calls sequenceForward on each.
   */
  sequenceForwardMany?(args: readonly SequenceForwardArgs[]): SequenceForwardResult[];
  /**
   * Streaming fast path: weights packed once, then one step per call with no allocation and
   * no re-packing. Absent on the reference backend (use a T = 1 sequenceForward there).
   */
  prepareStep?(options: StepKernelOptions): StepKernel;
  /** Whether sequenceForward/Backward run `args.dropout` themselves (else kernels/entry.ts takes the variant kernels). */
  readonly dropoutMasks?: boolean;
  /** The plain Adam update; kernels/entry.ts uses the reference one (kernels/js/adam.ts) when absent. */
  readonly adamStep?: AdamStepFn;
}
