import { NonFiniteError, StateDictError } from '../errors.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import type { Rng } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { zeroGrads, type ZeroGradOptions } from '../autograd/zero-grad.js';

/** What `loadStateDict` accepts for one tensor: a Tensor, or anything with a shape and numbers. */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

export type StateDict = Record<string, TensorLike>;

/**
 * Base of every layer and model: named parameters (PyTorch names, so state dicts move both
 * ways), named children, and the train/eval switch that dropout reads.
 */
export class Module {
  /** Dropout and similar act only while training, as in PyTorch. */
  training = true;
  readonly #params = new Map<string, Tensor>();
  readonly #children = new Map<string, Module>();
  readonly #rngs = new Map<string, Rng>();

  /** Registers a parameter under its PyTorch name; it will receive gradients. */
  protected addParameter(name: string, t: Tensor): Tensor {
    t.requiresGrad = true;
    this.#params.set(name, t);
    return t;
  }

  /** Registers a submodule; its parameters appear as `name.param`. */
  protected addModule<M extends Module>(name: string, m: M): M {
    this.#children.set(name, m);
    return m;
  }

  /** Registers a random generator the module draws from while training (e.g. dropout masks). */
  protected addRng(name: string, rng: Rng): Rng {
    this.#rngs.set(name, rng);
    return rng;
  }

  /** States of every registered generator by dotted name, for checkpoints that resume exactly. */
  randomState(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [name, rng] of this.#rngs) out[name] = rng.getState();
    for (const [cname, child] of this.#children) {
      for (const [k, v] of Object.entries(child.randomState())) out[`${cname}.${k}`] = v;
    }
    return out;
  }

  /** Restores `randomState()`; names that are not there are an error. */
  setRandomState(states: Record<string, number[]>): void {
    const own = this.randomState();
    for (const name of Object.keys(states)) {
      if (!(name in own)) throw new StateDictError(`setRandomState: no random generator named '${name}'`);
    }
    this.applyRandomState(states, '');
  }

  private applyRandomState(states: Record<string, number[]>, prefix: string): void {
    for (const [name, rng] of this.#rngs) {
      const st = states[prefix + name];
      if (st) rng.setState(st);
    }
    for (const [cname, child] of this.#children) child.applyRandomState(states, `${prefix}${cname}.`);
  }

  /** Every parameter with its dotted name, in registration order. */
  namedParameters(): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [...this.#params.entries()];
    for (const [cname, child] of this.#children) {
      for (const [pname, p] of child.namedParameters()) out.push([`${cname}.${pname}`, p]);
    }
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Total number of trainable numbers. */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Sets training mode (dropout active) on this module and all children. */
  train(on = true): this {
    this.training = on;
    for (const c of this.#children.values()) c.train(on);
    return this;
  }

  /** Evaluation mode: dropout off. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Clears accumulated gradients as PyTorch 1.13's `zero_grad()`: every parameter's `.grad`
   * is zeroed in place (the same array is kept, and the next backward adds into it), or set
   * to null with `{ setToNone: true }` (`zero_grad(set_to_none=True)`, which frees them).
   * Backward always accumulates, so call it before each step's forward.
   *
   * @example
   * layer.zeroGrad();
   * mse(layer.forward(x).output, target).backward();   // layer.stateDict().weight_hh_l0.grad: this step's dL/dW
   */
  zeroGrad(options: ZeroGradOptions = {}): void {
    zeroGrads(this.parameters(), options, 'Module.zeroGrad');
  }

  /** Parameters by name (the live tensors, not copies). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.namedParameters());
  }

  /**
   * Copies tensors into the parameters by name. Every parameter must be present with its
   * exact shape, and (with `strict`, the default) no other name may appear; `prefix` selects
   * a submodule's entries in a larger dict (e.g. 'rnn.' for `rnn.weight_ih_l0`).
   * Nothing is changed unless the whole dict fits.
   */
  loadStateDict(dict: StateDict, options: { strict?: boolean; prefix?: string } = {}): void {
    const strict = options.strict ?? true;
    const prefix = options.prefix ?? '';
    const own = this.namedParameters();
    const missing: string[] = [];
    const problems: string[] = [];
    for (const [name, p] of own) {
      const src = dict[prefix + name];
      if (src === undefined) {
        missing.push(prefix + name);
        continue;
      }
      if (typeof src !== 'object' || src === null || !Array.isArray(src.shape) || typeof src.data?.length !== 'number') {
        problems.push(`'${prefix + name}' is not a tensor (an object with a shape array and data)`);
      } else if (!sameShape(src.shape, p.shape)) {
        problems.push(`'${prefix + name}' has shape ${formatShape(src.shape)}, expected ${formatShape(p.shape)}`);
      } else if (src.data.length !== p.size) {
        problems.push(`'${prefix + name}' has ${src.data.length} values for shape ${formatShape(p.shape)}`);
      }
    }
    if (missing.length > 0) problems.push(`missing: ${missing.map((n) => `'${n}'`).join(', ')}`);
    if (strict) {
      const known = new Set(own.map(([n]) => prefix + n));
      const extra = Object.keys(dict).filter((k) => k.startsWith(prefix) && !known.has(k));
      if (extra.length > 0) {
        problems.push(`unexpected: ${extra.map((n) => `'${n}'`).join(', ')} (pass strict: false to ignore)`);
      }
    }
    if (problems.length > 0) {
      throw new StateDictError(`loadStateDict: ${problems.join('; ')}`);
    }
    for (const [name] of own) {
      const data = dict[prefix + name]!.data;
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        if (!Number.isFinite(v)) {
          throw new NonFiniteError(`loadStateDict: '${prefix + name}' element ${i} is ${v}`);
        }
      }
    }
    for (const [name, p] of own) {
      p.data.set(dict[prefix + name]!.data);
      p.version++;
    }
  }
}
