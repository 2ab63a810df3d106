import { Tensor } from '../tensor/tensor.js';

let gradDisabled = 0;

/** True unless inside `noGrad`. */
export function isGradEnabled(): boolean {
  return gradDisabled === 0;
}

/**
 * Runs `fn` without recording any graph: for inference, evaluation and sampling, where
 * remembering activations for a backward pass would only cost memory.
 */
export function noGrad<T>(fn: () => T): T {
  gradDisabled++;
  try {
    return fn();
  } finally {
    gradDisabled--;
  }
}

/** Whether an op over these inputs should be recorded. */
export function needsGrad(inputs: ReadonlyArray<Tensor | null | undefined>): boolean {
  return gradDisabled === 0 && inputs.some((t) => t?.requiresGrad === true);
}

/**
 * Links `outputs` to `inputs` through `backward` when any input requires a gradient.
 * `backward` reads the outputs' `.grad` (possibly null: that output did not reach the loss)
 * and adds into the inputs' gradients via `gradBuffer`.
 */
export function record(
  name: string,
  inputs: ReadonlyArray<Tensor | null | undefined>,
  outputs: readonly Tensor[],
  backward: () => void,
): void {
  if (!needsGrad(inputs)) return;
  const present = inputs.filter((t): t is Tensor => t != null);
  const node = { name, inputs: present, outputs, backward };
  for (const out of outputs) {
    out.requiresGrad = true;
    out.node = node;
  }
}

/** A gradient for an output that may not have received one: zeros then. */
export function outputGrad(t: Tensor): Float32Array {
  return t.grad ?? new Float32Array(t.size);
}
