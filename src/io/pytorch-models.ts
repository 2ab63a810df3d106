import type { Module, StateDict } from '../nn/module.js';
import { OptionError, StateDictError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Moving whole models between recur and PyTorch. recur's parameter names already are
 * PyTorch's (`embedding.weight`, `rnn.weight_ih_l0`, `fc.bias`, ...), so the only thing to
 * bridge is a prefix: a model wrapped in DistributedDataParallel saves `module.rnn...`, one
 * nested in a bigger module `model.rnn...`.
 *
 * @example
 * loadPytorchWeights(charLm, await loadSafetensorsFile('ddp.safetensors'), { prefix: 'module.' });
 * await saveSafetensorsFile('for-torch.safetensors', pytorchStateDict(charLm, { prefix: 'model.' }));
 */

export interface PrefixOptions {
  /** Prepended to every name, e.g. 'module.' or 'model.'. Default ''. */
  prefix?: string;
}

function checkPrefix(fn: string, prefix: unknown): string {
  if (prefix === undefined) return '';
  if (typeof prefix !== 'string') throw new OptionError(`${fn}: prefix must be a string, got ${typeof prefix}`);
  return prefix;
}

/** The model's parameters under PyTorch state_dict names (with `prefix`), ready for `writeSafetensors`. */
export function pytorchStateDict(model: Module, options: PrefixOptions = {}): Record<string, Tensor> {
  const prefix = checkPrefix('pytorchStateDict', options.prefix);
  return Object.fromEntries(model.namedParameters().map(([name, p]) => [prefix + name, p]));
}

/**
 * Loads a PyTorch state dict (e.g. from a safetensors file) into a recur model, strictly:
 * every parameter present with its shape, no unknown tensor under `prefix`. When nothing
 * matches but the names share a prefix such as 'module.', the error says which prefix to pass.
 */
export function loadPytorchWeights(model: Module, dict: StateDict, options: PrefixOptions & { source?: string } = {}): void {
  const prefix = checkPrefix('loadPytorchWeights', options.prefix);
  const where = options.source ? `${options.source}: ` : '';
  const names = Object.keys(dict);
  const own = model.namedParameters().map(([n]) => n);
  if (!own.some((n) => (prefix + n) in dict)) {
    const hint = guessPrefix(names, own);
    const found = names.slice(0, 4).map((n) => `'${n}'`).join(', ') + (names.length > 4 ? ', ...' : '');
    throw new StateDictError(
      `${where}no tensor named like the model's parameters (expected e.g. '${prefix}${own[0] ?? ''}', found ${found || 'no tensors'})` +
        (hint !== null ? `; pass prefix '${hint}'` : ''),
    );
  }
  try {
    model.loadStateDict(dict, { strict: true, prefix });
  } catch (e) {
    if (e instanceof StateDictError && where) throw new StateDictError(where + e.message);
    throw e;
  }
}

/** The prefix p such that p + a parameter name is in `names`, if any. */
function guessPrefix(names: readonly string[], own: readonly string[]): string | null {
  for (const n of names) {
    for (const p of own) if (n.endsWith(p) && n.length > p.length) return n.slice(0, n.length - p.length);
  }
  return null;
}
