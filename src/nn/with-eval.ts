import { noGrad } from '../autograd/graph.js';
import type { Module } from './module.js';

/**
 * Runs `fn` as inference on `module`: no graph recorded, evaluation mode (dropout of any kind
 * off), and the module's mode put back afterwards, even when `fn` throws, so a failed
 * prediction cannot leave a model that is still training in evaluation mode.
 *
 * @example
 * const logits = withEval(model, () => model.forward(ids, T, 1).logits);
 */
export function withEval<T>(module: Module, fn: () => T): T {
  const wasTraining = module.training;
  module.eval();
  try {
    return noGrad(fn);
  } finally {
    module.train(wasTraining);
  }
}
