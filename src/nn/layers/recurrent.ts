import { dropout, reshape, select, stack, swapAxes01 } from '../../autograd/ops.js';
import { recurrentPassesJoined, type JoinedPass, type PassParams, type PassSpec } from '../../autograd/recurrent.js';
import { OptionError, ShapeError } from '../../errors.js';
import { gateCount, gateNames, type StepKernel } from '../../kernels/types.js';
import { getBackend } from '../../kernels/backend.js';
import { needsGrad } from '../../autograd/graph.js';
import { recurrentStep, stepInputs } from '../../autograd/recurrent-step.js';
import { Rng, toRng } from '../../tensor/random.js';
import { expectShape, formatShape } from '../../tensor/shape.js';
import { checkFinite, MAX_ELEMENTS, Tensor } from '../../tensor/tensor.js';
import { fillOrthogonal, fillUniform } from '../../tensor/init.js';
import { Module } from '../module.js';
import type { ResolvedRecurrentOptions } from './recurrent-options.js';
import { addVariantParams, passVariant, plainCellComputes } from './recurrent-variants.js';

/** The state a recurrent layer carries: h (and c for LSTM), each [numLayers * D, batch, size]. */
export interface RecurrentState {
  h: Tensor;
  c?: Tensor;
}
export interface LstmState extends RecurrentState {
  c: Tensor;
}

export interface ForwardOptions {
  /**
   * Steps used by each sequence of the batch (integers in 1..seq). Padding positions output
   * 0 and leave the state alone; each final state is taken at its sequence's own last step;
   * the reverse direction starts at each sequence's own end (PyTorch packed sequences).
   */
  lengths?: ArrayLike<number>;
  /** Also return per-step gates, cell and hidden states (see `DirectionTrace`). */
  trace?: boolean;
}

/** What one layer and direction did at each step, time-major: [seq, batch, units]. */
export interface DirectionTrace {
  readonly layer: number;
  readonly direction: 0 | 1;
  /** Gate activations by name: LSTM i, f, g, o; GRU r, z, n; none for a plain RNN. Zero at padding. */
  readonly gates: Readonly<Record<string, Tensor>>;
  /** LSTM cell state after each step, else null. */
  readonly c: Tensor | null;
  /** Hidden state after each step (held at padding). */
  readonly h: Tensor;
  /** dL/dh_t for every step once `backward()` has run through this pass, else null. */
  readonly gradH: Tensor | null;
}

export interface ForwardResult<S extends RecurrentState> {
  /** [seq, batch, D * outSize] (or batch-first): the last layer's h at every step. */
  output: Tensor;
  /** Final state, shaped like PyTorch's h_n / c_n. */
  state: S;
  /** Present when `trace: true`: one entry per layer and direction, index layer * D + direction. */
  trace?: DirectionTrace[];
}

/** Frees a collected layer's streaming kernels (they hold WebAssembly memory). */
const stepKernelRegistry = new FinalizationRegistry<StepKernel[]>((kernels) => {
  for (const k of kernels) k.dispose();
});

/**
 * A stack of recurrent layers (RNN, LSTM or GRU), optionally bidirectional, with PyTorch's
 * formulas, parameter names and layouts. Build one with `rnn`, `lstm` or `gru`.
 * Cell variants (peepholes, coupled gates, clip, reset-before GRU, layer norm, recurrent
 * dropout, zoneout; all off by default) add parameters through recurrent-variants.ts and run
 * on the reference variant kernels (docs/variants.md).
 */
/** Most stacked layers a recurrent layer takes (deeper stacks are a typo, and slow to build). */
const MAX_LAYERS = 1024;

export class RecurrentLayer<S extends RecurrentState = RecurrentState> extends Module {
  readonly options: Readonly<ResolvedRecurrentOptions>;
  /** Directions: 2 when bidirectional. */
  readonly numDirections: 1 | 2;
  /** Size of h: projSize when set, else hiddenSize. */
  readonly outSize: number;
  private readonly passes: PassParams[] = [];
  private stepCache: { key: string; kernels: StepKernel[] } | null = null;
  /** The weights' key at the last step call (see fastStep). */
  private lastStepKey = '';
  private readonly rng: Rng;

  constructor(options: ResolvedRecurrentOptions, seed?: number | Rng) {
    super();
    this.options = Object.freeze({ ...options });
    this.numDirections = options.bidirectional ? 2 : 1;
    this.outSize = options.projSize > 0 ? options.projSize : options.hiddenSize;
    this.rng = this.addRng('rng', toRng(seed));
    const { hiddenSize: H, numLayers, bias, mode } = options;
    const G = gateCount(mode) * H;
    const bound = 1 / Math.sqrt(H);
    // Refuse sizes no memory holds (e.g. numLayers 1e300) with a typed error rather than a hang.
    const perLayer = G * (Math.max(options.inputSize, this.numDirections * this.outSize) + this.outSize + 2) + this.outSize * H;
    if (numLayers > MAX_LAYERS) throw new OptionError(`${mode}: numLayers must be at most ${MAX_LAYERS}, got ${numLayers}`);
    if (numLayers * this.numDirections * perLayer > MAX_ELEMENTS) {
      throw new OptionError(`${mode}: ${numLayers} layers of ${H} units would need ${numLayers * this.numDirections * perLayer} parameters, more than recur can allocate`);
    }
    for (let l = 0; l < numLayers; l++) {
      const inSize = l === 0 ? options.inputSize : this.numDirections * this.outSize;
      for (let d = 0; d < this.numDirections; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const make = (name: string, shape: number[]): Tensor => {
          const t = Tensor.zeros(shape);
          fillUniform(t.data, bound, this.rng);
          return this.addParameter(name + sfx, t);
        };
        const wIh = make('weight_ih', [G, inSize]);
        const wHh = make('weight_hh', [G, this.outSize]);
        const bIh = bias ? make('bias_ih', [G]) : null;
        const bHh = bias ? make('bias_hh', [G]) : null;
        const wHr = options.projSize > 0 ? make('weight_hr', [this.outSize, H]) : null;
        if (options.recurrentInit === 'orthogonal') {
          for (let g = 0; g < gateCount(mode); g++) fillOrthogonal(wHh.data, g * H * this.outSize, H, this.outSize, this.rng);
        }
        if (options.forgetBias !== null && bIh && bHh) {
          bIh.data.fill(options.forgetBias, H, 2 * H);
          bHh.data.fill(0, H, 2 * H);
        }
        const variant = addVariantParams(options, sfx, (name, t) => this.addParameter(name, t));
        this.passes.push(variant ? { wIh, wHh, bIh, bHh, wHr, variant } : { wIh, wHh, bIh, bHh, wHr });
      }
    }
  }

  private get kind(): string {
    return this.options.mode.startsWith('rnn') ? 'rnn' : this.options.mode;
  }

  /** Zeros of the state's shape for a batch: h [numLayers * D, batch, outSize] (and c). */
  zeroState(batch: number): S {
    if (!Number.isInteger(batch) || batch < 1) {
      throw new ShapeError(`${this.kind}.zeroState: batch must be an integer >= 1, got ${batch}`);
    }
    const n = this.options.numLayers * this.numDirections;
    const h = Tensor.zeros([n, batch, this.outSize]);
    const state: RecurrentState = this.options.mode === 'lstm' ? { h, c: Tensor.zeros([n, batch, this.options.hiddenSize]) } : { h };
    return state as S;
  }

  /**
   * Runs the whole sequence. `x` is [seq, batch, inputSize] ([batch, seq, inputSize] with
   * batchFirst); `state` defaults to zeros.
   *
   * @example
   * const layer = lstm({ inputSize: 3, hiddenSize: 8, seed: 1 });
   * const x = new Tensor(new Float32Array(5 * 2 * 3), [5, 2, 3]);   // seq 5, batch 2
   * const { output, state } = layer.forward(x);                    // output [5, 2, 8]; state.h, state.c [1, 2, 8]
   */
  forward(x: Tensor, state?: S, options: ForwardOptions = {}): ForwardResult<S> {
    const what = `${this.kind}.forward`;
    if (!(x instanceof Tensor)) throw new ShapeError(`${what}: input x must be a Tensor`);
    const names = this.options.batchFirst ? ['batch', 'seq', 'features'] : ['seq', 'batch', 'features'];
    expectShape(`${what}: input x`, x.shape, [-1, -1, this.options.inputSize], names);
    checkFinite(x.data, `${what}: input x`);
    const xs = this.options.batchFirst ? swapAxes01(x) : x;
    const out = this.run(xs, state, options, what);
    return { ...out, output: this.options.batchFirst ? swapAxes01(out.output) : out.output };
  }

  /**
   * One timestep for streaming: `x` is [batch, inputSize] and the returned output
   * [batch, outSize]; pass the returned state to the next call. Unidirectional layers only.
   *
   * @example
   * let state = layer.zeroState(1);
   * for (const xt of stream) ({ output, state } = layer.step(xt, state));
   */
  step(x: Tensor, state?: S): { output: Tensor; state: S } {
    const what = `${this.kind}.step`;
    if (this.numDirections === 2) {
      throw new OptionError(`${what}: a bidirectional layer needs the whole sequence; use forward()`);
    }
    if (!(x instanceof Tensor)) throw new ShapeError(`${what}: input x must be a Tensor`);
    expectShape(`${what}: input x`, x.shape, [-1, this.options.inputSize], ['batch', 'features']);
    checkFinite(x.data, `${what}: input x`);
    const B = x.shape[0]!;
    // The prepared step kernels compute plain cells only; a variant, or dropout between
    // layers while training, takes the sequence path.
    const { dropout, numLayers } = this.options;
    if (plainCellComputes(this.options, this.training) && !(this.training && dropout > 0 && numLayers > 1)) {
      const fast = this.fastStep(x, state, B, what);
      if (fast) return fast;
    }
    const out = this.run(reshape(x, [1, B, this.options.inputSize]), state, {}, what);
    return { output: reshape(out.output, [B, out.output.shape[2]!]), state: out.state };
  }

  /**
   * A step on kernels that keep the packed weights between calls (when the backend has them):
   * no re-packing, no allocation inside the kernel, and with gradients one graph node whose
   * saved state lives in JS arrays (autograd/recurrent-step.ts). Rebuilt when the batch, the
   * backend or any weight's version changes. Null: take the sequence path.
   */
  private fastStep(x: Tensor, state: S | undefined, B: number, what: string): { output: Tensor; state: S } | null {
    const backend = getBackend();
    if (!backend.prepareStep) return null;
    const initial = this.checkState(state, B, what);
    const h0 = initial?.h ?? null;
    const c0 = initial?.c ?? null;
    const differentiable = needsGrad(stepInputs(x, h0, c0, this.passes));
    const { mode, hiddenSize: H } = this.options;
    const P = this.outSize;
    const key = `${backend.name}:${B}:${this.parameters().reduce((v, p) => v + p.version, 0)}`;
    const seen = this.lastStepKey;
    this.lastStepKey = key;
    if (this.stepCache?.key !== key) {
      // With gradients, weights that change between calls (an optimiser step after each
      // step: online learning) cost less on the sequence path, which copies them once, than
      // re-preparing kernels and keeping a copy for backward: rebuild once they hold still.
      if (differentiable && this.stepCache && seen !== key) return null;
      this.disposeStepKernels();
      const kernels = this.passes.map((w, l) =>
        backend.prepareStep!({
          mode,
          batch: B,
          inputSize: l === 0 ? this.options.inputSize : P,
          hiddenSize: H,
          outSize: P,
          weights: { wIh: w.wIh.data, wHh: w.wHh.data, bIh: w.bIh?.data ?? null, bHh: w.bHh?.data ?? null, wHr: w.wHr?.data ?? null },
        }),
      );
      this.stepCache = { key, kernels };
      stepKernelRegistry.register(this, kernels, this);
    }
    const kernels = this.stepCache.kernels;
    if (differentiable && !kernels.every((k) => k.stepSaved)) return null;
    const stack = { mode, backend, kernels, params: this.passes, batch: B, inputSize: this.options.inputSize, hiddenSize: H, outSize: P };
    const r = recurrentStep(stack, x, h0, mode === 'lstm' ? c0 : null);
    const next = (r.c ? { h: r.h, c: r.c } : { h: r.h }) as S;
    return { output: r.output, state: next };
  }

  private disposeStepKernels(): void {
    if (!this.stepCache) return;
    stepKernelRegistry.unregister(this);
    for (const k of this.stepCache.kernels) k.dispose();
    this.stepCache = null;
  }

  /** The layers on time-major input [T, B, I]. */
  private run(xs: Tensor, state: S | undefined, options: ForwardOptions, what: string): ForwardResult<S> {
    const [T, B] = xs.shape as [number, number];
    const { numLayers, mode } = this.options;
    const D = this.numDirections;
    const lengths = this.checkLengths(options.lengths, T, B, what);
    const initial = this.checkState(state, B, what);
    const trace = options.trace === true;

    let input = xs;
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    const traces: DirectionTrace[] = [];
    for (let l = 0; l < numLayers; l++) {
      const specs: PassSpec[] = [];
      for (let d = 0; d < D; d++) {
        const k = l * D + d;
        const h0 = initial ? select(initial.h, k) : Tensor.zeros([B, this.outSize]);
        const c0 = mode !== 'lstm' ? null : initial?.c ? select(initial.c, k) : Tensor.zeros([B, this.options.hiddenSize]);
        const shape = { T, B, I: input.shape[2]!, P: this.outSize, H: this.options.hiddenSize };
        const variant = passVariant(this.options, this.training, this.rng, shape);
        specs.push({ x: input, h0, c0, params: this.passes[k]!, options: { mode, reverse: d === 1, lengths, trace, ...(variant ? { variant } : {}) } });
      }
      // Both directions at once: at inference, a backend with threads runs them concurrently,
      // each writing into its half of the layer's output.
      const joined = recurrentPassesJoined(specs);
      joined.passes.forEach((res, d) => {
        hN.push(res.hN);
        if (res.cN) cN.push(res.cN);
        if (trace) traces.push(this.directionTrace(res, l, d as 0 | 1, T, B));
      });
      input = joined.output;
      if (this.options.dropout > 0 && this.training && l < numLayers - 1) {
        input = dropout(input, this.options.dropout, this.rng);
      }
    }
    const finalState: RecurrentState = mode === 'lstm' ? { h: stack(hN), c: stack(cN) } : { h: stack(hN) };
    const result: ForwardResult<S> = { output: input, state: finalState as S };
    if (trace) result.trace = traces;
    return result;
  }

  private directionTrace(res: JoinedPass, layer: number, direction: 0 | 1, T: number, B: number): DirectionTrace {
    const H = this.options.hiddenSize;
    const P = this.outSize;
    const names = gateNames(this.options.mode);
    const G = names.length * H;
    const gates: Record<string, Tensor> = {};
    const all = res.trace!.gates;
    names.forEach((name, gi) => {
      const data = new Float32Array(T * B * H);
      for (let r = 0; r < T * B; r++) data.set(all.subarray(r * G + gi * H, r * G + (gi + 1) * H), r * H);
      gates[name] = new Tensor(data, [T, B, H]);
    });
    const c = res.trace!.c ? new Tensor(res.trace!.c, [T, B, H]) : null;
    const h = new Tensor(res.trace!.h, [T, B, P]);
    const stepGrads = res.stepGrads;
    return {
      layer,
      direction,
      gates,
      c,
      h,
      get gradH() {
        return stepGrads.value ? new Tensor(stepGrads.value, [T, B, P]) : null;
      },
    };
  }

  private checkLengths(lengths: ArrayLike<number> | undefined, T: number, B: number, what: string): Int32Array | null {
    if (lengths === undefined) return null;
    if (typeof lengths !== 'object' || lengths === null || typeof lengths.length !== 'number') {
      throw new ShapeError(`${what}: lengths must be an array of ${B} integers, got ${String(lengths)}`);
    }
    if (lengths.length !== B) {
      throw new ShapeError(`${what}: lengths has ${lengths.length} entries but the batch has ${B} sequences`);
    }
    const out = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const n = lengths[b]!;
      if (!Number.isInteger(n) || n < 1 || n > T) {
        throw new ShapeError(`${what}: lengths[${b}] must be an integer in 1..${T} (the sequence length), got ${n}`);
      }
      out[b] = n;
    }
    return out;
  }

  private checkState(state: S | undefined, B: number, what: string): RecurrentState | null {
    if (state === undefined || state === null) return null;
    const n = this.options.numLayers * this.numDirections;
    if (!(state.h instanceof Tensor)) throw new ShapeError(`${what}: state.h must be a Tensor`);
    expectShape(`${what}: state.h`, state.h.shape, [n, B, this.outSize], ['layers*directions', 'batch', 'hidden']);
    checkFinite(state.h.data, `${what}: state.h`);
    if (this.options.mode === 'lstm') {
      if (!(state.c instanceof Tensor)) {
        throw new ShapeError(`${what}: an LSTM state needs c as well as h (got ${state.c === undefined ? 'no c' : 'a non-Tensor c'})`);
      }
      expectShape(`${what}: state.c`, state.c.shape, [n, B, this.options.hiddenSize], ['layers*directions', 'batch', 'hidden']);
      checkFinite(state.c.data, `${what}: state.c`);
    } else if (state.c !== undefined) {
      throw new ShapeError(`${what}: a ${this.kind.toUpperCase()} state has only h; got c of shape ${formatShape(state.c.shape)}`);
    }
    return state;
  }
}
