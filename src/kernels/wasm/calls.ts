// The one layout of calls into the WASM kernels: how weights are packed and biases folded,
// and one function per kernel that turns a named call into the export's positional
// arguments (the AssemblyScript exports take plain numbers; pointers are byte offsets, 0 for
// an operand the call does not have).
import type { CellMode } from '../types.js';
import type { KernelExports, SharedKernelExports } from './module.js';

/** A byte offset in kernel memory; 0 stands for "absent". */
export type Ptr = number;

/** Mode numbers of assembly/sequence.ts. */
export const MODE_ID: Record<CellMode, number> = { rnn_tanh: 0, rnn_relu: 1, lstm: 2, gru: 3 };

/** Floats `pack` writes for a K x N operand (16-column panels). */
export const packedFloats = (K: number, N: number): number => Math.ceil(N / 16) * 16 * K;

/** n rounded up to whole 16-float vectors (kernels may read a bias up to the next one). */
export const round16 = (n: number): number => Math.ceil(n / 16) * 16;

/**
 * The bias added with the input projection, [G*H]: RNN and LSTM fold b_hh into it (the
 * recurrent GEMM adds none), GRU keeps b_hh apart for its reset-scaled term. b_ih itself
 * when there is nothing to fold (so a -0 stays -0); null without any bias.
 *
 * @example
 * foldedInputBias('lstm', bIh, bHh); // Float32Array [4H]: bIh + bHh
 */
export function foldedInputBias(mode: CellMode, bIh: Float32Array | null, bHh: Float32Array | null): Float32Array | null {
  if (mode === 'gru' || !bHh) return bIh;
  const sum = new Float32Array(bHh.length);
  for (let j = 0; j < sum.length; j++) sum[j] = (bIh ? bIh[j]! : 0) + bHh[j]!;
  return sum;
}

/** The b_hh the recurrent step adds itself: GRU's, else none. */
export const recurrentBias = (mode: CellMode, bHh: Float32Array | null): Float32Array | null => (mode === 'gru' ? bHh : null);

/** assembly/sequence.ts `forward`: the time loop of one pass over precomputed input projections. */
export interface ForwardCall {
  readonly mode: CellMode;
  readonly T: number;
  readonly B: number;
  readonly H: number;
  readonly P: number;
  /**
   * [T*B, G] x W_ih^T + folded bias; or, with `input`, [B, G] scratch each step fills (the
   * [T, B, G] projections never go through memory).
   */
  readonly xg: Ptr;
  /** [T*B, I] inputs, W_ih packed as an I x G operand and the [G] folded bias (or 0). */
  readonly input?: { readonly x: Ptr; readonly I: number; readonly wihPacked: Ptr; readonly bias: Ptr };
  /** W_hh packed as a P x G operand */
  readonly whhPacked: Ptr;
  /** [G] GRU b_hh */
  readonly bhh: Ptr;
  /** W_hr packed as an H x P operand (projected LSTM) */
  readonly whrPacked: Ptr;
  /** [(T+1), B, P] states; the initial one in slot 0 (forward) or T (reverse) */
  readonly hs: Ptr;
  /** [(T+1), B, H] LSTM cell states, same slots */
  readonly cs: Ptr;
  /** gate activations: [T*B, G] when saving, else [B, G] */
  readonly gates: Ptr;
  /** GRU W_hn h + b_hn: [T*B, H] when saving, else [B, H] */
  readonly hn: Ptr;
  /** [T*B, H] pre-projection outputs, when saving */
  readonly m: Ptr;
  /** Keep every step's gates, hn and m. */
  readonly save: boolean;
  /** [T*B, P] outputs, or 0: not written (read them from hs; only without lengths and projection) */
  readonly y: Ptr;
  /** [B] int32 lengths */
  readonly lengths: Ptr;
  readonly reverse: boolean;
  /** Scratch: [B, G] recurrent projections, [B, H] and [B, P] for the projection. */
  readonly hg: Ptr;
  readonly mb: Ptr;
  readonly pb: Ptr;
  /** [B, P] recurrent dropout mask on h_{t-1}, and [B, P] scratch for the masked h */
  readonly hiddenMask: Ptr;
  readonly maskedH: Ptr;
}

export function callForward(k: KernelExports, c: ForwardCall): void {
  k.forward(
    MODE_ID[c.mode], c.T, c.B, c.H, c.P, c.xg, c.whhPacked, c.bhh, c.whrPacked,
    c.hs, c.cs, c.gates, c.hn, c.m, c.save ? 1 : 0,
    c.y, c.lengths, c.reverse ? 1 : 0, c.hg, c.mb, c.pb, c.hiddenMask, c.maskedH,
    c.input?.x ?? 0, c.input?.I ?? 0, c.input?.wihPacked ?? 0, c.input?.bias ?? 0,
  );
}

/** assembly/sequence.ts `backward`: the BPTT time loop, yielding dL/d(pre-activations). */
export interface BackwardCall {
  readonly mode: CellMode;
  readonly T: number;
  readonly B: number;
  readonly H: number;
  readonly P: number;
  /** What the forward saved (see ForwardCall). */
  readonly gates: Ptr;
  readonly hs: Ptr;
  readonly cs: Ptr;
  readonly hn: Ptr;
  /** [T*B, P] dL/dy, or 0 */
  readonly dy: Ptr;
  /** [B, P] dL/dh_N in, dL/dh_0 out; [B, H] the same for c */
  readonly dh: Ptr;
  readonly dc: Ptr;
  /** [T*B, G] out: dL/d(input pre-activations); GRU also [T*B, G] for the recurrent ones */
  readonly dxg: Ptr;
  readonly dhg: Ptr;
  /** [T*B, P] dL/d(projected h) (projection only); [T*B, P] dL/dh_t per step, or 0 */
  readonly dhAct: Ptr;
  readonly dhSteps: Ptr;
  readonly lengths: Ptr;
  readonly reverse: boolean;
  /** W_hh packed as a G x P operand; W_hr as P x H (projection only) */
  readonly whhT: Ptr;
  readonly whrT: Ptr;
  /** Scratch: [B, H], [B, P], GRU [B, H] */
  readonly dm: Ptr;
  readonly dhp: Ptr;
  readonly dDirect: Ptr;
  /** [B, P] recurrent dropout mask, or 0 */
  readonly hiddenMask: Ptr;
}

export function callBackward(k: KernelExports, c: BackwardCall): void {
  k.backward(
    MODE_ID[c.mode], c.T, c.B, c.H, c.P, c.gates, c.hs, c.cs, c.hn, c.dy,
    c.dh, c.dc, c.dxg, c.dhg, c.dhAct, c.dhSteps,
    c.lengths, c.reverse ? 1 : 0, c.whhT, c.whrT, c.dm, c.dhp, c.dDirect, c.hiddenMask,
  );
}

/** assembly/units.ts `forwardUnits`: one thread's units u0..u0+Hj of an inference pass. */
export interface UnitsCall {
  readonly mode: CellMode;
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  readonly u0: number;
  readonly Hj: number;
  /** Shared inputs: x [T*B, I], raw W_ih [G, I] and W_hh [G, H] */
  readonly x: Ptr;
  readonly wih: Ptr;
  readonly whh: Ptr;
  /** This thread's [gates*Hj] folded input bias and GRU b_hh */
  readonly bias: Ptr;
  readonly bhh: Ptr;
  /** Pack this thread's slices whatever the kept bits say (a block just taken). */
  readonly fresh: boolean;
  /** The weights' bits as last packed, and this thread's packed slices */
  readonly wihKept: Ptr;
  readonly whhKept: Ptr;
  readonly wihPacked: Ptr;
  readonly whhPacked: Ptr;
  /** Shared states and outputs, as in ForwardCall */
  readonly hs: Ptr;
  readonly cs: Ptr;
  readonly y: Ptr;
  readonly lengths: Ptr;
  readonly reverse: boolean;
  /** This thread's scratch */
  readonly xg: Ptr;
  readonly hg: Ptr;
  readonly g: Ptr;
  readonly hn: Ptr;
  readonly staging: Ptr;
  /** The barrier counter every thread of the pass shares, and how many threads meet there */
  readonly sync: Ptr;
  readonly threads: number;
}

/** 0, or 1 when a thread stopped answering at a barrier. */
export function callForwardUnits(k: SharedKernelExports, c: UnitsCall): number {
  return k.forwardUnits(
    MODE_ID[c.mode], c.T, c.B, c.I, c.H, c.u0, c.Hj,
    c.x, c.wih, c.whh, c.bias, c.bhh,
    c.fresh ? 1 : 0, c.wihKept, c.whhKept, c.wihPacked, c.whhPacked,
    c.hs, c.cs, c.y, c.lengths, c.reverse ? 1 : 0,
    c.xg, c.hg, c.g, c.hn, c.staging, c.sync, c.threads,
  );
}
