import { reshape } from '../../autograd/ops.js';
import { recurrentPass, type PassParams } from '../../autograd/recurrent.js';
import { ShapeError } from '../../errors.js';
import type { CellMode } from '../../kernels/types.js';
import { gateCount } from '../../kernels/types.js';
import { intOption, boolOption, rejectUnknownOptions } from '../../options.js';
import { fillUniform } from '../../tensor/init.js';
import { Module } from '../module.js';
import { toRng, type Rng } from '../../tensor/random.js';
import { expectShape } from '../../tensor/shape.js';
import { checkFinite, Tensor } from '../../tensor/tensor.js';

export interface CellOptions {
  inputSize: number;
  hiddenSize: number;
  /** Default true. */
  bias?: boolean;
  /** Seed or generator for the initial weights. Default 0. */
  seed?: number | Rng;
}

/** A cell's state for one step: h [batch, hidden] (and c for LSTM). */
export interface CellState {
  h: Tensor;
  c?: Tensor;
}

/**
 * One recurrent step as a module, with torch.nn.*Cell's parameter names (weight_ih,
 * weight_hh, bias_ih, bias_hh). It runs the same kernels as the layers, over one step.
 */
export class RecurrentCell<S extends CellState> extends Module {
  readonly mode: CellMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  private readonly params: PassParams;

  constructor(mode: CellMode, what: string, options: CellOptions, extraKeys: readonly string[] = []) {
    super();
    rejectUnknownOptions(what, options, ['inputSize', 'hiddenSize', 'bias', 'seed', ...extraKeys]);
    this.mode = mode;
    this.inputSize = intOption(what, 'inputSize', options.inputSize);
    this.hiddenSize = intOption(what, 'hiddenSize', options.hiddenSize);
    const bias = boolOption(what, 'bias', options.bias, true);
    const rng = toRng(options.seed);
    const G = gateCount(mode) * this.hiddenSize;
    const bound = 1 / Math.sqrt(this.hiddenSize);
    const make = (name: string, shape: number[]): Tensor => {
      const t = Tensor.zeros(shape);
      fillUniform(t.data, bound, rng);
      return this.addParameter(name, t);
    };
    this.params = {
      wIh: make('weight_ih', [G, this.inputSize]),
      wHh: make('weight_hh', [G, this.hiddenSize]),
      bIh: bias ? make('bias_ih', [G]) : null,
      bHh: bias ? make('bias_hh', [G]) : null,
      wHr: null,
    };
  }

  /** Zeros for a batch. */
  zeroState(batch: number): S {
    const h = Tensor.zeros([batch, this.hiddenSize]);
    return (this.mode === 'lstm' ? { h, c: Tensor.zeros([batch, this.hiddenSize]) } : { h }) as S;
  }

  /** One step: x [batch, inputSize] and the previous state (zeros if omitted) give the next state. */
  forward(x: Tensor, state?: S): S {
    const what = `${this.mode}Cell.forward`;
    expectShape(`${what}: input x`, x.shape, [-1, this.inputSize], ['batch', 'features']);
    checkFinite(x.data, `${what}: input x`);
    const B = x.shape[0]!;
    const s = state ?? this.zeroState(B);
    expectShape(`${what}: state.h`, s.h.shape, [B, this.hiddenSize], ['batch', 'hidden']);
    if (this.mode === 'lstm') {
      if (!s.c) throw new ShapeError(`${what}: an LSTM state needs c as well as h`);
      expectShape(`${what}: state.c`, s.c.shape, [B, this.hiddenSize], ['batch', 'hidden']);
    }
    const res = recurrentPass(reshape(x, [1, B, this.inputSize]), s.h, s.c ?? null, this.params, {
      mode: this.mode,
      reverse: false,
      lengths: null,
      trace: false,
    });
    return (res.cN ? { h: res.hN, c: res.cN } : { h: res.hN }) as S;
  }
}
