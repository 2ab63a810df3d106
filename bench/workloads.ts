// Shared definitions of the benchmark workloads (W1..W8), their FLOP counts, the deterministic
// inputs every peer gets, and the result records the peers emit.

export type WorkloadId = 'W1' | 'W1s' | 'W2' | 'W3' | 'W4' | 'W5' | 'W6' | 'W7' | 'W8';
export type CellKind = 'lstm' | 'gru' | 'rnn';
/**
 * forward: one call over the whole sequence; steps: `seq` single-step calls carrying the state;
 * train: one optimiser step; backward: forward + MSE + backward with gradients on (no optimiser),
 * the cost of one small differentiable call; steps-grad: `steps` with gradients enabled (the
 * default), so every call records the autograd graph.
 */
export type WorkloadKind = 'forward' | 'steps' | 'train' | 'backward' | 'steps-grad';

export interface Workload {
  readonly id: WorkloadId;
  readonly title: string;
  readonly cell: CellKind;
  readonly kind: WorkloadKind;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly batch: number;
  readonly seq: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  /** Output size of the Linear head applied at every step (training workload only). */
  readonly headOut: number;
}

function w(id: WorkloadId, title: string, cell: CellKind, kind: WorkloadKind, dims: Partial<Workload> = {}): Workload {
  return {
    id,
    title,
    cell,
    kind,
    inputSize: 64,
    hiddenSize: 256,
    batch: 64,
    seq: 100,
    numLayers: 1,
    bidirectional: false,
    headOut: 0,
    ...dims,
  };
}

/** The full-size workloads of the spec. */
export const WORKLOADS: readonly Workload[] = [
  w('W1', 'LSTM 64→256, batch 1, seq 100, inference (latency)', 'lstm', 'forward', { batch: 1 }),
  w('W1s', 'LSTM 64→256, batch 1, 100 single-step calls carrying the state', 'lstm', 'steps', { batch: 1 }),
  w('W2', 'LSTM 64→256, batch 64, seq 100, inference', 'lstm', 'forward'),
  w('W3', 'Training step: LSTM 64→256 + Linear 256→64 per step, MSE, Adam; batch 32, seq 50', 'lstm', 'train', {
    batch: 32,
    seq: 50,
    headOut: 64,
  }),
  w('W4', 'GRU 64→256, batch 64, seq 100, inference', 'gru', 'forward'),
  w('W5', 'tanh RNN 64→256, batch 64, seq 100, inference', 'rnn', 'forward'),
  w('W6', '2-layer bidirectional LSTM 64→128, batch 16, seq 100, inference', 'lstm', 'forward', {
    hiddenSize: 128,
    batch: 16,
    numLayers: 2,
    bidirectional: true,
  }),
  w('W7', 'LSTM 64→256, batch 1, one time step: forward + MSE + backward (a small differentiable call)', 'lstm', 'backward', {
    batch: 1,
    seq: 1,
  }),
  w('W8', 'LSTM 64→256, batch 1, 100 single-step calls carrying the state, gradients enabled', 'lstm', 'steps-grad', { batch: 1 }),
];

/** Workloads about the per-call cost of autograd: only recur and PyTorch run them. */
export const GRAD_WORKLOADS: readonly WorkloadId[] = ['W7', 'W8'];

/** Tiny versions of the same workloads for `bench:quick` and the smoke test (seconds in all). */
export const QUICK_WORKLOADS: readonly Workload[] = WORKLOADS.map((x) => ({
  ...x,
  inputSize: 8,
  hiddenSize: x.numLayers > 1 ? 8 : 16,
  batch: x.batch === 1 ? 1 : 4,
  seq: x.seq === 1 ? 1 : 6,
  headOut: x.headOut > 0 ? 8 : 0,
}));

export function gateCount(cell: CellKind): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

/**
 * Multiply-adds of the recurrent layers, counted as 2 FLOPs each:
 *   forward = Σ_layers D · T · B · 2 · G·H · (I_l + H)
 * with G gates (LSTM 4, GRU 3, RNN 1), D directions, I_l = I for layer 0 and D·H above;
 * gate non-linearities, biases and element-wise maths are ignored.
 * Training (W3) = 3 × (recurrent forward + head forward 2·T·B·H·O): forward plus the two
 * products of the backward pass (input and weight gradients); loss and Adam update ignored.
 * W1s and W8 count the same as W1 (100 steps of batch 1); W7 (forward + backward, no head)
 * = 3 × forward.
 */
export function flops(wl: Workload): number {
  const G = gateCount(wl.cell);
  const D = wl.bidirectional ? 2 : 1;
  const H = wl.hiddenSize;
  let fwd = 0;
  for (let l = 0; l < wl.numLayers; l++) {
    const inSize = l === 0 ? wl.inputSize : D * H;
    fwd += D * wl.seq * wl.batch * 2 * G * H * (inSize + H);
  }
  if (wl.kind === 'backward') return 3 * fwd;
  if (wl.kind !== 'train') return fwd;
  const head = 2 * wl.seq * wl.batch * H * wl.headOut;
  return 3 * (fwd + head);
}

export const FLOP_FORMULA =
  'forward = Σ_layers D·T·B·2·G·H·(I_l + H) (G = 4 LSTM, 3 GRU, 1 RNN; D = 2 if bidirectional; I_l = I, then D·H); ' +
  'training = 3 × (forward + 2·T·B·H·O for the Linear head). Gate maths, biases, loss and the Adam update are not counted.';

/** Deterministic uniform values in [-scale, scale] (LCG), identical in every peer process. */
export function uniform(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

/** The input of a workload, time-major [seq, batch, inputSize]. */
export function makeInput(wl: Workload): Float32Array {
  return uniform(wl.seq * wl.batch * wl.inputSize, 1234);
}

/** The regression target of the training workload, time-major [seq, batch, headOut] (W7, no head: [seq, batch, hidden]). */
export function makeTarget(wl: Workload): Float32Array {
  return uniform(wl.seq * wl.batch * (wl.headOut || wl.hiddenSize), 4321);
}

/** Seed of the recur layer whose weights every peer that can take weights loads. */
export const MODEL_SEED = 42;

/** Converts [A, B, C] (row-major) to [B, A, C]: time-major <-> batch-major. */
export function swap01(data: Float32Array, a: number, b: number, c: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      out.set(data.subarray((i * b + j) * c, (i * b + j + 1) * c), (j * a + i) * c);
    }
  }
  return out;
}

/** Positions of the `n` values `digest` takes from an output of `length` values. */
export function digestIndices(length: number, n = 32): number[] {
  if (length === 0) return [];
  const k = Math.min(n, length);
  return Array.from({ length: k }, (_, i) => (k === 1 ? 0 : Math.round((i * (length - 1)) / (k - 1))));
}

/** 32 values spread over an output (time-major layout), to compare peers' outputs cheaply. */
export function digest(data: Float32Array, n = 32): number[] {
  return digestIndices(data.length, n).map((i) => data[i]!);
}

export type Status = 'ok' | 'n/a' | 'timed out' | 'error' | 'not installed' | 'skipped';

/** One system (peer + configuration) on one workload. */
export interface Measurement {
  /** e.g. 'recur', 'tfjs', 'onnxruntime-node', 'brain.js', 'pytorch'. */
  peer: string;
  /** e.g. recur 'wasm' | 'js', tfjs 'cpu' | 'wasm'. */
  variant: string;
  threads: number;
  workload: WorkloadId;
  status: Status;
  /** Median ms per call (the workload's unit: one forward, 100 step calls, one training step). */
  ms?: number;
  /** Every timed repetition, ms. */
  samples?: number[];
  /** With several rounds: each round's median (ms is their median). */
  roundMs?: number[];
  /** What exactly was measured where it differs from the workload, or why there is no figure. */
  note?: string;
  /**
   * Set when `ms` is not timed directly but `factor` × a timed smaller unit (brain.js, which has
   * no batch dimension: 64 sequences are 64 sequential runs of one sequence).
   */
  scaled?: { factor: number; unit: string; unitMs: number };
  /** Sample of the output (time-major) for the agreement check; absent where the maths differs. */
  digest?: number[];
}

/** A system's label in tables, e.g. 'recur wasm 1T'. */
export function systemLabel(m: Pick<Measurement, 'peer' | 'variant' | 'threads'>): string {
  return `${m.peer}${m.variant ? ' ' + m.variant : ''} ${m.threads}T`;
}

/** Settings a peer process receives. */
export interface PeerConfig {
  quick: boolean;
  workloads: WorkloadId[];
  /** Total ms of timed work per measurement before stopping (after the minimum repetitions). */
  budgetMs: number;
}

/** The workloads a peer process runs (tiny shapes in quick mode), in the spec's order. */
export function selectWorkloads(config: Pick<PeerConfig, 'quick' | 'workloads'>): Workload[] {
  const all = config.quick ? QUICK_WORKLOADS : WORKLOADS;
  return all.filter((x) => config.workloads.includes(x.id));
}
