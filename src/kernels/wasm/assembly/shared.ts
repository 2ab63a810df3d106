// Entry point of the shared-memory build: the kernels threads run together on one memory
// (units.ts), plus what the caller needs to stage weights (sameBits).
export { sameBits } from './gemm';
export { forwardUnits } from './units';
