import { adamStep as jsAdamStep } from '../js/adam.js';
import type { AdamStepFn } from '../types.js';
import type { Arena } from './arena.js';
import type { KernelExports } from './module.js';

// Below this many parameters the copies in and out cost more than the SIMD update saves.
const SMALL = 4096;

/**
 * The plain Adam update on the SIMD kernels, in float32 like PyTorch's CPU Adam: p, grad, m
 * and v are copied in, p, m and v back out (1.25M parameters: about 4x the reference's speed).
 */
export function makeWasmAdam(k: KernelExports, arena: Arena): AdamStepFn {
  return (p, grad, m, v, h) => {
    const n = p.length;
    if (n < SMALL) {
      jsAdamStep(p, grad, m, v, h);
      return;
    }
    arena.begin();
    const pP = arena.take(n);
    const pG = arena.take(n);
    const pM = arena.take(n);
    const pV = arena.take(n);
    const mem = arena.commit();
    mem.set(p, pP >> 2);
    mem.set(grad.subarray(0, n), pG >> 2);
    mem.set(m, pM >> 2);
    mem.set(v, pV >> 2);
    k.adam(pP, pG, pM, pV, n, 1 - h.beta1, h.beta2, 1 - h.beta2, h.eps, h.stepSize, h.bc2Sqrt);
    const view = arena.f32();
    p.set(view.subarray(pP >> 2, (pP >> 2) + n));
    m.set(view.subarray(pM >> 2, (pM >> 2) + n));
    v.set(view.subarray(pV >> 2, (pV >> 2) + n));
  };
}
