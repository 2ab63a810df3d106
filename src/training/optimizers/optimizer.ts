import { NonFiniteError, OptionError, ShapeError, StateDictError } from '../../errors.js';
import { rangeOption } from '../../options.js';
import { Tensor } from '../../tensor/tensor.js';
import { zeroGrads, type ZeroGradOptions } from '../../autograd/zero-grad.js';
import type { JsonValue } from '../json.js';
import { keyedParams, type ParamList } from '../params.js';

/**
 * An optimiser's checkpointable state: `meta` is plain JSON (hyper-parameters, step counts),
 * `buffers` are the moment tensors, keyed `<param name or index>.<PyTorch buffer name>`
 * (e.g. `weight_ih_l0.exp_avg`), ready for a safetensors file.
 */
export interface OptimizerState {
  meta: OptimizerMeta;
  buffers: Record<string, Float32Array>;
}

export interface OptimizerMeta {
  format: 'recur.optimizer.v1';
  kind: string;
  lr: number;
  options: { [key: string]: JsonValue };
  params: Array<{ key: string; size: number; step: number }>;
}

/** What every optimiser offers; `lr` may be changed between steps (schedules do). */
export interface Optimizer {
  readonly kind: string;
  lr: number;
  readonly params: readonly Tensor[];
  /** Applies one update to every parameter whose `grad` is set; parameters with `grad` null are skipped. */
  step(): void;
  /**
   * Zeroes every parameter's `grad` in place (PyTorch 1.13's default `zero_grad()`; a zeroed
   * gradient still takes part in `step`, as in PyTorch), or sets it to null with
   * `{ setToNone: true }`, after which `step` skips that parameter until a backward reaches it.
   */
  zeroGrad(options?: ZeroGradOptions): void;
  getState(): OptimizerState;
  /** Restores a `getState()` snapshot (hyper-parameters included, as PyTorch's load_state_dict). */
  setState(state: OptimizerState): void;
}

/** One parameter with its step count and lazily created buffers (PyTorch creates state at the first step). */
export interface Slot {
  readonly key: string;
  readonly param: Tensor;
  step: number;
  readonly buffers: Map<string, Float32Array>;
}

/**
 * Shared machinery: parameter bookkeeping, the skip-if-no-grad loop, and exact state
 * save/restore. Subclasses give the per-parameter update. Arithmetic is float64 per element;
 * parameters and buffers are float32, so values are rounded on every store as in PyTorch.
 */
export abstract class BaseOptimizer<O extends { [key: string]: JsonValue }> implements Optimizer {
  readonly kind: string;
  protected readonly slots: readonly Slot[];
  protected options: O;
  #lr = 0;

  constructor(kind: string, params: ParamList, lr: number, options: O) {
    this.kind = kind;
    this.slots = keyedParams(kind, params).map(({ key, param }) => ({ key, param, step: 0, buffers: new Map() }));
    if (this.slots.length === 0) throw new OptionError(`${kind}: got an empty parameter list`);
    this.options = options;
    this.lr = lr;
  }

  get lr(): number {
    return this.#lr;
  }

  set lr(value: number) {
    this.#lr = rangeOption(this.kind, 'lr', value, 0, Infinity);
  }

  get params(): Tensor[] {
    return this.slots.map((s) => s.param);
  }

  /** The current hyper-parameters (a copy). */
  get hyperparameters(): O {
    return structuredClone(this.options);
  }

  step(): void {
    for (const slot of this.slots) {
      const grad = slot.param.grad;
      if (grad === null) continue;
      if (grad.length !== slot.param.size) {
        throw new ShapeError(`${this.kind}.step: '${slot.key}' has ${slot.param.size} values but its grad has ${grad.length}`);
      }
      slot.step += 1;
      this.update(slot, grad);
      slot.param.version++;
    }
  }

  zeroGrad(options: ZeroGradOptions = {}): void {
    zeroGrads(this.params, options, `${this.kind}.zeroGrad`);
  }

  /** Updates one parameter in place; `slot.step` has already been incremented. */
  protected abstract update(slot: Slot, grad: Float32Array): void;

  /** The buffers a parameter holds after its first step, under the current options. */
  protected abstract bufferNames(): readonly string[];

  /** Validates hyper-parameters read back from a snapshot (the factory's own checks). */
  protected abstract parseOptions(raw: { [key: string]: JsonValue }): O;

  /** A zero-filled buffer, created on first use. */
  protected buffer(slot: Slot, name: string): Float32Array {
    let b = slot.buffers.get(name);
    if (!b) {
      b = new Float32Array(slot.param.size);
      slot.buffers.set(name, b);
    }
    return b;
  }

  getState(): OptimizerState {
    const buffers: Record<string, Float32Array> = {};
    for (const s of this.slots) for (const [name, b] of s.buffers) buffers[`${s.key}.${name}`] = b.slice();
    return {
      meta: {
        format: 'recur.optimizer.v1',
        kind: this.kind,
        lr: this.lr,
        options: structuredClone(this.options),
        params: this.slots.map((s) => ({ key: s.key, size: s.param.size, step: s.step })),
      },
      buffers,
    };
  }

  setState(state: OptimizerState): void {
    const fail = (msg: string): never => {
      throw new StateDictError(`${this.kind}.setState: ${msg}`);
    };
    const { meta, buffers } = state;
    if (meta?.format !== 'recur.optimizer.v1') fail(`unknown format ${JSON.stringify(meta?.format)}`);
    if (meta.kind !== this.kind) fail(`state is for '${meta.kind}', this optimiser is '${this.kind}'`);
    if (!Array.isArray(meta.params) || meta.params.length !== this.slots.length) {
      fail(`state has ${meta.params?.length} parameters, this optimiser has ${this.slots.length}`);
    }
    const options = this.parseOptions(meta.options);
    const lr = rangeOption(this.kind, 'lr', meta.lr, 0, Infinity);
    const previous = this.options;
    this.options = options; // bufferNames() depends on the restored options
    const names = this.bufferNames();
    this.options = previous;
    const restored: Array<Map<string, Float32Array>> = [];
    const used = new Set<string>();
    this.slots.forEach((s, i) => {
      const p = meta.params[i]!;
      if (p.key !== s.key || p.size !== s.param.size) {
        fail(`parameter ${i} is '${p.key}' with ${p.size} values in the state, '${s.key}' with ${s.param.size} here`);
      }
      if (!Number.isInteger(p.step) || p.step < 0) fail(`'${s.key}' has step ${p.step}`);
      const map = new Map<string, Float32Array>();
      for (const name of p.step > 0 ? names : []) {
        const key = `${s.key}.${name}`;
        const b = buffers[key];
        if (!(b instanceof Float32Array)) fail(`missing buffer '${key}'`);
        else if (b.length !== s.param.size) fail(`buffer '${key}' has ${b.length} values, expected ${s.param.size}`);
        else {
          for (let j = 0; j < b.length; j++) {
            if (!Number.isFinite(b[j]!)) throw new NonFiniteError(`${this.kind}.setState: buffer '${key}' element ${j} is ${b[j]}`);
          }
          map.set(name, b.slice());
          used.add(key);
        }
      }
      restored.push(map);
    });
    const extra = Object.keys(buffers).filter((k) => !used.has(k));
    if (extra.length > 0) fail(`unexpected buffers: ${extra.map((k) => `'${k}'`).join(', ')}`);
    // Nothing changes unless the whole snapshot fits.
    this.options = options;
    this.lr = lr;
    this.slots.forEach((s, i) => {
      s.step = meta.params[i]!.step;
      s.buffers.clear();
      for (const [name, b] of restored[i]!) s.buffers.set(name, b);
    });
  }
}
