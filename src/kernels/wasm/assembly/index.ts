// Entry point of the SIMD kernel module; the loader in ../ drives these on one memory.
export { pack, gemm, transpose, colsum, sameBits, maskRows } from './gemm';
export { forward, backward } from './sequence';
export { adam } from './optim';
