import { NonFiniteError, OptionError } from '../errors.js';
import { boolOption, rangeOption, rejectUnknownOptions } from '../options.js';
import { keyedParams, type ParamList } from './params.js';

export interface ClipGradNormOptions {
  /** Order of the norm: any p > 0, or Infinity for the largest magnitude. Default 2. */
  normType?: number;
  /** Throw a NonFiniteError when the total norm is NaN or infinite. Default false (as PyTorch). */
  errorIfNonfinite?: boolean;
}

/**
 * Rescales gradients in place so that their joint norm is at most `maxNorm`, as
 * torch.nn.utils.clip_grad_norm_: the norm is taken over all gradients together, and each is
 * multiplied by `maxNorm / (total + 1e-6)` when that is below 1. Parameters with grad null
 * are ignored. Returns the total norm before clipping (float32, as PyTorch's tensor).
 *
 * A NaN or infinite total norm (some gradient holds a NaN or an infinity) cannot be clipped.
 * With `errorIfNonfinite` a NonFiniteError is thrown and the gradients are left as they are.
 * Otherwise the non-finite norm is returned and every gradient is set to null, so the next
 * `optimizer.step()` skips the batch (as PyTorch's GradScaler does on overflow) instead of
 * writing NaN into the weights, which is what clip_grad_norm_ itself would lead to. Check
 * `Number.isFinite(norm)` to count or log skipped batches.
 *
 * The third argument may also be the norm order alone, as in PyTorch.
 *
 * @example
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 5);
 * if (!Number.isFinite(norm)) console.warn('skipped a batch with non-finite gradients');
 * opt.step();
 */
export function clipGradNorm(params: ParamList, maxNorm: number, options: number | ClipGradNormOptions = {}): number {
  const what = 'clipGradNorm';
  const opts = typeof options === 'number' ? { normType: options } : options;
  rejectUnknownOptions(what, opts, ['normType', 'errorIfNonfinite']);
  rangeOption(what, 'maxNorm', maxNorm, 0, Infinity);
  const p = opts.normType ?? 2;
  if (typeof p !== 'number' || !(p > 0)) {
    throw new OptionError(`${what}: normType must be a number > 0 or Infinity, got ${String(p)}`);
  }
  const errorIfNonfinite = boolOption(what, 'errorIfNonfinite', opts.errorIfNonfinite, false);
  const grads = keyedParams(what, params)
    .map((e) => e.param.grad)
    .filter((g): g is Float32Array => g !== null);
  if (grads.length === 0) return 0;

  let acc = 0;
  for (const g of grads) {
    acc = p === Infinity ? largestMagnitude(g, acc) : addPowers(g, p, acc);
    if (Number.isNaN(acc)) break;
  }
  const total = Math.fround(p === Infinity || p === 1 ? acc : p === 2 ? Math.sqrt(acc) : acc ** (1 / p));

  if (!Number.isFinite(total)) {
    if (errorIfNonfinite) {
      throw new NonFiniteError(
        `${what}: the total norm of order ${p} of ${grads.length} gradients is ${total}, so it cannot be clipped ` +
          '(a gradient holds a NaN or an infinity; check the loss and the learning rate)',
      );
    }
    for (const e of keyedParams(what, params)) e.param.grad = null;
    return total;
  }
  // float32 arithmetic as PyTorch's: coef = max_norm / (total + 1e-6), clamped at 1.
  const coef = Math.fround(Math.fround(maxNorm) / Math.fround(total + Math.fround(1e-6)));
  if (coef < 1) {
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i] = g[i]! * coef;
  }
  return total;
}

/**
 * `acc` plus |g_i|^p over g, one running sum in order. One loop per order keeps the hot loop
 * free of branches; a NaN carries through the sum, so no element needs checking.
 */
function addPowers(g: Float32Array, p: number, acc: number): number {
  if (p === 2) for (let i = 0; i < g.length; i++) acc += g[i]! * g[i]!;
  else if (p === 1) for (let i = 0; i < g.length; i++) acc += Math.abs(g[i]!);
  else for (let i = 0; i < g.length; i++) acc += Math.abs(g[i]!) ** p;
  return acc;
}

/** The larger of `acc` and the largest |g_i|; NaN once any element is NaN. */
function largestMagnitude(g: Float32Array, acc: number): number {
  for (let i = 0; i < g.length; i++) {
    const a = Math.abs(g[i]!);
    if (!(a <= acc)) {
      if (Number.isNaN(a)) return a;
      acc = a;
    }
  }
  return acc;
}

/**
 * Clamps every gradient element to [-clipValue, clipValue] in place, as
 * torch.nn.utils.clip_grad_value_. NaN elements stay NaN (use clipGradNorm to catch them).
 *
 * @example
 * clipGradValue(model.parameters(), 0.5);
 */
export function clipGradValue(params: ParamList, clipValue: number): void {
  rangeOption('clipGradValue', 'clipValue', clipValue, 0, Infinity);
  for (const { param } of keyedParams('clipGradValue', params)) {
    const g = param.grad;
    if (g === null) continue;
    for (let i = 0; i < g.length; i++) {
      const v = g[i]!;
      if (v > clipValue) g[i] = clipValue;
      else if (v < -clipValue) g[i] = -clipValue;
    }
  }
}
