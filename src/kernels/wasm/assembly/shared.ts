// Entry point of the shared-memory build: the kernels threads run together on one memory.
export { forwardUnits } from './units';
