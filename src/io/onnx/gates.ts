import type { CellMode } from '../../kernels/types.js';

/**
 * Gate order between PyTorch (and recur) and ONNX. PyTorch stacks LSTM gates i,f,g,o and GRU
 * gates r,z,n; ONNX stacks LSTM i,o,f,c and GRU z,r,h (operator specs, W[iofc] / W[zrh]).
 * `TORCH_OF_ONNX[mode][k]` is the PyTorch block that ONNX block k holds.
 */
const TORCH_OF_ONNX: Record<CellMode, readonly number[]> = {
  rnn_tanh: [0],
  rnn_relu: [0],
  lstm: [0, 3, 1, 2],
  gru: [1, 0, 2],
};

function inverse(p: readonly number[]): number[] {
  const out = new Array<number>(p.length);
  p.forEach((src, k) => (out[src] = k));
  return out;
}

/** Copies gate blocks of `blockSize` values: output block k = input block perm[k]. */
function permuteBlocks(src: Float32Array, perm: readonly number[], blockSize: number, dst: Float32Array, dstOffset: number): void {
  perm.forEach((from, k) => dst.set(src.subarray(from * blockSize, (from + 1) * blockSize), dstOffset + k * blockSize));
}

/** PyTorch-ordered weights ([G*H, cols], or a [G*H] bias) reordered into ONNX order at `dstOffset` of `dst`. */
export function torchToOnnx(mode: CellMode, src: Float32Array, dst: Float32Array, dstOffset: number): void {
  const perm = TORCH_OF_ONNX[mode];
  permuteBlocks(src, perm, src.length / perm.length, dst, dstOffset);
}

/** ONNX-ordered weights (`length` values from `offset` of `src`) back into PyTorch order, as a new array. */
export function onnxToTorch(mode: CellMode, src: Float32Array, offset: number, length: number): Float32Array {
  const perm = inverse(TORCH_OF_ONNX[mode]);
  const out = new Float32Array(length);
  permuteBlocks(src.subarray(offset, offset + length), perm, length / perm.length, out, 0);
  return out;
}

/**
 * LSTM peepholes: recur's `weight_p` is [3H] in order i, f, o (PyTorch's gate order without g);
 * ONNX's P is [3H] per direction in order i, o, f. The swap of the last two blocks is its own inverse.
 */
export function peepholeToOnnx(src: Float32Array, H: number, dst: Float32Array, dstOffset: number): void {
  permuteBlocks(src.subarray(0, 3 * H), [0, 2, 1], H, dst, dstOffset);
}

/** ONNX P (i, o, f; `3H` values from `offset`) as recur's `weight_p` order i, f, o. */
export function peepholeFromOnnx(src: Float32Array, offset: number, H: number): Float32Array {
  const out = new Float32Array(3 * H);
  permuteBlocks(src.subarray(offset, offset + 3 * H), [0, 2, 1], H, out, 0);
  return out;
}
