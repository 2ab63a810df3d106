import { noGrad } from '../../../autograd/graph.js';
import { recurrentPasses, type PassParams, type PassSpec, type VariantConfig } from '../../../autograd/recurrent.js';
import type { CellMode } from '../../../kernels/types.js';
import { Tensor } from '../../../tensor/tensor.js';
import { onnxToTorch, peepholeFromOnnx } from '../gates.js';
import type { Kernel, NodeContext } from './node-context.js';
import { floatValue, type FloatValue, type Value } from '../values.js';

/**
 * ONNX RNN, LSTM and GRU nodes run on recur's recurrent kernels. The weights are converted
 * once, when loading, from ONNX gate order and one [Wb; Rb] bias into PyTorch order with two
 * biases per direction. LSTM peepholes (P) and input_forget, LSTM/GRU clip and GRU
 * linear_before_reset=0 run on recur's cell-variant kernels. What recur does not compute is
 * refused by name rather than approximated: RNN clip, activation_alpha/beta, and activations
 * other than each operator's defaults (RNN may use Relu).
 */

type Op = 'RNN' | 'LSTM' | 'GRU';
const GATES: Record<Op, number> = { RNN: 1, LSTM: 4, GRU: 3 };
const DEFAULT_ACTIVATIONS: Record<Op, string[]> = { RNN: ['tanh'], LSTM: ['sigmoid', 'tanh', 'tanh'], GRU: ['sigmoid', 'tanh'] };

function cellMode(ctx: NodeContext, op: Op, D: number): CellMode {
  const acts = ctx.strings('activations')?.map((a) => a.toLowerCase());
  const want = DEFAULT_ACTIVATIONS[op];
  if (acts === undefined) return op === 'LSTM' ? 'lstm' : op === 'GRU' ? 'gru' : 'rnn_tanh';
  if (acts.length !== want.length * D) ctx.fail(`activations lists ${acts.length} functions; expected ${want.length * D} (${want.length} per direction)`);
  if (op === 'RNN') {
    if (acts.every((a) => a === 'tanh')) return 'rnn_tanh';
    if (acts.every((a) => a === 'relu')) return 'rnn_relu';
    return ctx.fail(`activations [${acts.join(', ')}] are not supported: recur's RNN uses Tanh or Relu in every direction`);
  }
  if (acts.some((a, i) => a !== want[i % want.length])) {
    ctx.fail(`activations [${acts.join(', ')}] are not supported: recur's ${op} uses the defaults [${want.join(', ')}] per direction`);
  }
  return op === 'LSTM' ? 'lstm' : 'gru';
}

function weight(ctx: NodeContext, i: number, name: string, shape: number[]): FloatValue {
  const v = ctx.constant(i);
  if (v === undefined) ctx.fail(`${name} ('${ctx.node.input[i]}') must be an initializer or a constant: recur converts the weights when loading`);
  if (v.kind !== 'float') ctx.fail(`${name} ('${ctx.node.input[i]}') must hold floats`);
  if (v.shape.length !== shape.length || v.shape.some((d, k) => shape[k] !== -1 && d !== shape[k])) {
    ctx.fail(`${name} ('${ctx.node.input[i]}') has shape [${v.shape.join(', ')}], expected [${shape.map((d) => (d === -1 ? '*' : d)).join(', ')}]`);
  }
  return v;
}

export function recurrentOp(ctx: NodeContext, op: Op): Kernel {
  const direction = ctx.string('direction', 'forward');
  if (!['forward', 'reverse', 'bidirectional'].includes(direction)) ctx.fail(`direction '${direction}' is not forward, reverse or bidirectional`);
  const D = direction === 'bidirectional' ? 2 : 1;
  const layout = ctx.int('layout', 0);
  if (layout !== 0 && layout !== 1) ctx.fail(`layout ${layout} is not 0 or 1`);
  if (op === 'RNN' && ctx.has('clip')) ctx.fail('clip (cell clipping) on RNN is not supported by recur (LSTM and GRU only)');
  const clip = ctx.has('clip') ? ctx.float('clip', 0) : Infinity;
  if (!(clip > 0)) ctx.fail(`clip ${clip} must be > 0`);
  if (ctx.has('activation_alpha') || ctx.has('activation_beta')) ctx.fail('activation_alpha/activation_beta are not supported: only parameter-free activations are');
  const inputForget = op === 'LSTM' ? ctx.int('input_forget', 0) : 0;
  if (inputForget !== 0 && inputForget !== 1) ctx.fail(`input_forget ${inputForget} is not 0 or 1`);
  const lbr = op === 'GRU' ? ctx.int('linear_before_reset', 0) : 1;
  if (lbr !== 0 && lbr !== 1) ctx.fail(`linear_before_reset ${lbr} is not 0 or 1`);
  const mode = cellMode(ctx, op, D);
  const k = GATES[op];
  const R = weight(ctx, 2, 'R', [D, -1, -1]);
  const H = ctx.has('hidden_size') ? ctx.int('hidden_size', 0) : R.shape[2]!;
  if (!Number.isInteger(H) || H < 1) ctx.fail(`hidden_size ${H} must be a positive integer`);
  const G = k * H;
  weight(ctx, 2, 'R', [D, G, H]);
  const W = weight(ctx, 1, 'W', [D, G, -1]);
  const I = W.shape[2]!;
  const B = ctx.hasInput(3) ? weight(ctx, 3, 'B', [D, 2 * G]) : null;
  const P = op === 'LSTM' && ctx.hasInput(7) ? weight(ctx, 7, 'P', [D, 3 * H]) : null;
  ctx.rejectUnread();
  const variant: VariantConfig | undefined =
    P || inputForget === 1 || clip !== Infinity || lbr === 0
      ? { coupleInputForget: inputForget === 1, clip, resetAfter: lbr === 1, inputMask: null, hiddenMask: null, zoneout: null }
      : undefined;

  const passes: PassParams[] = [];
  for (let d = 0; d < D; d++) {
    const t = (data: Float32Array, shape: number[]): Tensor => new Tensor(data, shape);
    passes.push({
      wIh: t(onnxToTorch(mode, W.data, d * G * I, G * I), [G, I]),
      wHh: t(onnxToTorch(mode, R.data, d * G * H, G * H), [G, H]),
      bIh: B ? t(onnxToTorch(mode, B.data, d * 2 * G, G), [G]) : null,
      bHh: B ? t(onnxToTorch(mode, B.data, d * 2 * G + G, G), [G]) : null,
      wHr: null,
      ...(P ? { variant: noLayerNorm(t(peepholeFromOnnx(P.data, d * 3 * H, H), [3 * H])) } : {}),
    });
  }
  const reverseOnly = direction === 'reverse';

  return (inputs) => {
    const x = ctx.floatInput(inputs, 0, 'X');
    if (x.shape.length !== 3 || x.shape[2] !== I) ctx.shapeError(`X has shape [${x.shape.join(', ')}], expected [${layout ? 'batch, seq' : 'seq, batch'}, ${I}]`);
    const [T, Bn] = (layout ? [x.shape[1], x.shape[0]] : [x.shape[0], x.shape[1]]) as [number, number];
    const xs = layout ? batchToTime(x.data, Bn, T, I) : x.data;
    const lengths = sequenceLengths(ctx, inputs[4], T, Bn);
    const stateAt = (v: Value | undefined, name: string, d: number): Tensor => {
      if (v === undefined) return Tensor.zeros([Bn, H]);
      const want = layout ? [Bn, D, H] : [D, Bn, H];
      if (v.kind !== 'float' || v.shape.length !== 3 || v.shape.some((n, i) => n !== want[i])) {
        ctx.shapeError(`${name} has shape [${v.shape.join(', ')}], expected [${want.join(', ')}]`);
      }
      const out = new Float32Array(Bn * H);
      for (let b = 0; b < Bn; b++) {
        const from = layout ? (b * D + d) * H : (d * Bn + b) * H;
        out.set(v.data.subarray(from, from + H), b * H);
      }
      return new Tensor(out, [Bn, H]);
    };
    const y = new Float32Array(T * D * Bn * H);
    const yh = new Float32Array(D * Bn * H);
    const yc = new Float32Array(D * Bn * H);
    noGrad(() => {
      const input = new Tensor(xs, [T, Bn, I]);
      const specs: PassSpec[] = [];
      for (let d = 0; d < D; d++) {
        const c0 = op === 'LSTM' ? stateAt(inputs[6], 'initial_c', d) : null;
        specs.push({ x: input, h0: stateAt(inputs[5], 'initial_h', d), c0, params: passes[d]!, options: { mode, reverse: reverseOnly || d === 1, lengths, trace: false, ...(variant ? { variant } : {}) } });
      }
      // A bidirectional node's two directions run at once where the backend has threads.
      recurrentPasses(specs).forEach((res, d) => {
        for (let t = 0; t < T; t++) {
          for (let b = 0; b < Bn; b++) {
            const dst = layout ? ((b * T + t) * D + d) * H : ((t * D + d) * Bn + b) * H;
            y.set(res.y.data.subarray((t * Bn + b) * H, (t * Bn + b + 1) * H), dst);
          }
        }
        for (let b = 0; b < Bn; b++) {
          const dst = layout ? (b * D + d) * H : (d * Bn + b) * H;
          yh.set(res.hN.data.subarray(b * H, (b + 1) * H), dst);
          if (res.cN) yc.set(res.cN.data.subarray(b * H, (b + 1) * H), dst);
        }
      });
    });
    const stateShape = layout ? [Bn, D, H] : [D, Bn, H];
    const outs = [floatValue(y, layout ? [Bn, T, D, H] : [T, D, Bn, H]), floatValue(yh, stateShape)];
    if (op === 'LSTM') outs.push(floatValue(yc, stateShape));
    return outs;
  };
}

function noLayerNorm(peephole: Tensor): NonNullable<PassParams['variant']> {
  return { peephole, lnIhWeight: null, lnIhBias: null, lnHhWeight: null, lnHhBias: null, lnCWeight: null, lnCBias: null };
}

function batchToTime(data: Float32Array, B: number, T: number, I: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out.set(data.subarray((b * T + t) * I, (b * T + t + 1) * I), (t * B + b) * I);
  return out;
}

function sequenceLengths(ctx: NodeContext, v: Value | undefined, T: number, B: number): Int32Array | null {
  if (v === undefined) return null;
  if (v.kind !== 'int' || v.shape.length !== 1 || v.shape[0] !== B) ctx.shapeError(`sequence_lens must be integers of shape [${B}], got shape [${v.shape.join(', ')}]`);
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const n = v.data[b]!;
    if (!Number.isInteger(n) || n < 1 || n > T) ctx.shapeError(`sequence_lens[${b}] is ${n}; it must be in 1..${T} (the sequence length)`);
    out[b] = n;
  }
  return out;
}
