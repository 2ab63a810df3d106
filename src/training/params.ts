import { OptionError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';

/** What optimisers and clipping accept: plain tensors, or `[name, tensor]` pairs (`module.namedParameters()`). */
export type ParamList = readonly Tensor[] | ReadonlyArray<readonly [string, Tensor]>;

/** A parameter with the key its state is saved under: its name, or its position when unnamed. */
export interface KeyedParam {
  readonly key: string;
  readonly param: Tensor;
}

/**
 * Normalises a parameter list to keyed entries. Duplicates are rejected (as torch.optim does):
 * a tensor listed twice would be updated twice per step.
 */
export function keyedParams(what: string, params: ParamList): KeyedParam[] {
  if (!Array.isArray(params)) {
    throw new OptionError(`${what}: params must be an array of Tensors or [name, Tensor] pairs, got ${typeof params}`);
  }
  const out: KeyedParam[] = [];
  const seenTensors = new Set<Tensor>();
  const seenKeys = new Set<string>();
  params.forEach((entry: Tensor | readonly [string, Tensor], i: number) => {
    const named = Array.isArray(entry);
    const key = named ? (entry as readonly [string, Tensor])[0] : String(i);
    const param = named ? (entry as readonly [string, Tensor])[1] : entry;
    if (!(param instanceof Tensor) || typeof key !== 'string') {
      throw new OptionError(`${what}: params[${i}] must be a Tensor or a [name, Tensor] pair, got ${String(entry)}`);
    }
    if (seenTensors.has(param)) throw new OptionError(`${what}: params[${i}] ('${key}') appears more than once`);
    if (seenKeys.has(key)) throw new OptionError(`${what}: parameter name '${key}' appears more than once`);
    seenTensors.add(param);
    seenKeys.add(key);
    out.push({ key, param });
  });
  return out;
}
