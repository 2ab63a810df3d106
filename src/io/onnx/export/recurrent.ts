import { OptionError } from '../../../errors.js';
import { gateCount } from '../../../kernels/types.js';
import type { RecurrentLayer, RecurrentState } from '../../../nn/layers/recurrent.js';
import { addProjectedLstm } from './projected.js';
import type { RecurrentGraphInputs, RecurrentGraphOutputs } from './recurrent-io.js';
import { peepholeToOnnx, torchToOnnx } from '../gates.js';
import { OnnxGraphBuilder, type AttrValue, type ModelOptions } from './graph-builder.js';
import { DataType } from '../schema.js';

export type { RecurrentGraphInputs, RecurrentGraphOutputs };

/**
 * Adds a recurrent layer to a graph as one standard ONNX RNN/LSTM/GRU node per layer, for
 * exporters of whole models to build on (embedding → this → head). `prefix` names its values.
 * Nodes use layout 0 (time-major): recur's and PyTorch's states are [layers*D, batch, H] even
 * when batch-first, so batch-first input is transposed once at each end instead (onnxruntime's
 * CPU kernels also refuse layout 1). A projected LSTM becomes Scan loops instead (export-projected.ts).
 */
export function addRecurrentLayer(b: OnnxGraphBuilder, layer: RecurrentLayer<RecurrentState>, io: RecurrentGraphInputs, prefix = 'rnn'): RecurrentGraphOutputs {
  const o = layer.options;
  const { mode, hiddenSize: H, numLayers: L } = o;
  // ONNX's LSTM operator has no projection: write the cell out with basic ops instead.
  if (o.projSize > 0) return addProjectedLstm(b, layer, io, prefix);
  // Peepholes, input_forget, clip and linear_before_reset=0 are operator attributes; these are not.
  if (o.layerNorm) throw new OptionError(`exportOnnx: a layer-normalised ${mode.toUpperCase()} has no ONNX operator; export the plain cell or write the graph by hand`);
  if (o.zoneout > 0) throw new OptionError(`exportOnnx: zoneout (${o.zoneout}) mixes h_{t-1} into h_t at evaluation, which ONNX's ${mode.toUpperCase()} operator cannot express`);
  const D = layer.numDirections;
  const G = gateCount(mode) * H;
  const params = layer.stateDict();
  const op = mode === 'lstm' ? 'LSTM' : mode === 'gru' ? 'GRU' : 'RNN';

  let x = o.batchFirst ? b.addNode('Transpose', [io.input], { perm: { ints: [1, 0, 2] } })[0]! : io.input;
  const slice = (state: string | undefined, l: number): string => {
    if (!state) return '';
    if (L === 1) return state;
    const starts = b.addInt64Initializer(`${prefix}_l${l}_state_start`, [l * D]);
    const ends = b.addInt64Initializer(`${prefix}_l${l}_state_end`, [(l + 1) * D]);
    const axes = b.addInt64Initializer(`${prefix}_l${l}_state_axis`, [0]);
    return b.addNode('Slice', [state, starts, ends, axes])[0]!;
  };
  const hs: string[] = [];
  const cs: string[] = [];
  let y = '';
  for (let l = 0; l < L; l++) {
    const inSize = l === 0 ? o.inputSize : D * layer.outSize;
    const w = new Float32Array(D * G * inSize);
    const r = new Float32Array(D * G * H);
    const bias = o.bias ? new Float32Array(D * 2 * G) : null;
    const peep = o.peephole ? new Float32Array(D * 3 * H) : null;
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
      torchToOnnx(mode, params[`weight_ih${sfx}`]!.data, w, d * G * inSize);
      torchToOnnx(mode, params[`weight_hh${sfx}`]!.data, r, d * G * H);
      if (bias) {
        torchToOnnx(mode, params[`bias_ih${sfx}`]!.data, bias, d * 2 * G);
        torchToOnnx(mode, params[`bias_hh${sfx}`]!.data, bias, d * 2 * G + G);
      }
      if (peep) peepholeToOnnx(params[`weight_p${sfx}`]!.data, H, peep, d * 3 * H);
    }
    const attrs: Record<string, AttrValue> = { hidden_size: { i: H }, direction: { s: D === 2 ? 'bidirectional' : 'forward' } };
    if (mode === 'rnn_relu') attrs.activations = { strings: new Array<string>(D).fill('Relu') };
    if (mode === 'gru') attrs.linear_before_reset = { i: o.resetAfter ? 1 : 0 };
    if (o.coupleInputForget) attrs.input_forget = { i: 1 };
    if (o.clip !== null) attrs.clip = { f: o.clip };
    const inputs = [
      x,
      b.addInitializer(`${prefix}_W_l${l}`, w, [D, G, inSize]),
      b.addInitializer(`${prefix}_R_l${l}`, r, [D, G, H]),
      bias ? b.addInitializer(`${prefix}_B_l${l}`, bias, [D, 2 * G]) : '',
      io.lengths ?? '',
      slice(io.h0, l),
      mode === 'lstm' ? slice(io.c0, l) : '',
      peep ? b.addInitializer(`${prefix}_P_l${l}`, peep, [D, 3 * H]) : '',
    ];
    const outs = b.addNode(op, inputs, attrs, mode === 'lstm' ? 3 : 2, `${prefix}_${op}_l${l}`);
    y = outs[0]!;
    hs.push(outs[1]!);
    if (mode === 'lstm') cs.push(outs[2]!);
    // Y is [seq, D, batch, H]; the next layer (and the output) wants [seq, batch, D*H].
    const last = l === L - 1;
    const perm = last && o.batchFirst ? [2, 0, 1, 3] : [0, 2, 1, 3];
    const t = b.addNode('Transpose', [y], { perm: { ints: perm } })[0]!;
    const shape = b.addInt64Initializer(`${prefix}_l${l}_merge_directions`, [0, 0, -1]);
    x = b.addNode('Reshape', [t, shape])[0]!;
  }
  const concat = (parts: string[]): string => (parts.length === 1 ? parts[0]! : b.addNode('Concat', parts, { axis: { i: 0 } })[0]!);
  return { output: x, hN: concat(hs), cN: mode === 'lstm' ? concat(cs) : null };
}

export interface OnnxExportOptions extends ModelOptions {
  /** Add graph inputs 'h0' (and 'c0' for LSTM) for the initial state, so the model can stream. Default true. */
  initialState?: boolean;
  /** Add an int32 graph input 'lengths' [batch] (ONNX sequence_lens) for padded batches. Default false. */
  lengths?: boolean;
}

/**
 * A recurrent layer as an ONNX model (inference: dropout is off). Inputs: 'input' (the layer's
 * layout), 'h0'/'c0' [layers*D, batch, H] unless `initialState: false`, 'lengths' if asked;
 * outputs: 'output', 'h_n' (and 'c_n'), named and shaped like PyTorch's.
 * Cell variants the operators express are exported as their attributes and inputs: LSTM peepholes
 * (P), coupleInputForget (input_forget=1), clip, and the reset-before GRU (linear_before_reset=0);
 * layerNorm and zoneout have no operator and are refused. Recurrent dropout is off at inference.
 * An LSTM with projSize > 0 (which ONNX's LSTM operator cannot express) is written as Scan loops
 * over a cell made of basic ops (see export-projected.ts); onnxruntime and loadOnnx both run it.
 *
 * @example
 * const bytes = exportOnnx(lstm({ inputSize: 3, hiddenSize: 8, numLayers: 2 }), { lengths: true });
 */
export function exportOnnx(layer: RecurrentLayer<RecurrentState>, options: OnnxExportOptions = {}): Uint8Array {
  if (typeof options !== 'object' || options === null) throw new OptionError('exportOnnx: options must be an object');
  const known = ['initialState', 'lengths', 'opset', 'producerName', 'producerVersion', 'docString'];
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new OptionError(`exportOnnx: unknown option(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const o = layer.options;
  const n = o.numLayers * layer.numDirections;
  const b = new OnnxGraphBuilder(`recur_${o.mode}`);
  const seqBatch = o.batchFirst ? ['batch', 'seq'] : ['seq', 'batch'];
  const io: RecurrentGraphInputs = { input: b.addInput('input', [...seqBatch, o.inputSize]) };
  if (options.initialState ?? true) {
    io.h0 = b.addInput('h0', [n, 'batch', layer.outSize]);
    if (o.mode === 'lstm') io.c0 = b.addInput('c0', [n, 'batch', o.hiddenSize]);
  }
  if (options.lengths) io.lengths = b.addInput('lengths', ['batch'], DataType.INT32);
  const out = addRecurrentLayer(b, layer, io);
  b.addNode('Identity', [out.output], {}, ['output']);
  b.addOutput('output', [...seqBatch, layer.numDirections * layer.outSize]);
  b.addNode('Identity', [out.hN], {}, ['h_n']);
  b.addOutput('h_n', [n, 'batch', layer.outSize]);
  if (out.cN) {
    b.addNode('Identity', [out.cN], {}, ['c_n']);
    b.addOutput('c_n', [n, 'batch', o.hiddenSize]);
  }
  return b.toBytes(options);
}
