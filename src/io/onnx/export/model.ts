import { OptionError } from '../../../errors.js';
import type { Linear } from '../../../nn/layers/linear.js';
import { CharLm } from '../../../models/char-lm.js';
import { Forecaster } from '../../../models/forecaster.js';
import { SequenceClassifier } from '../../../models/sequence-classifier.js';
import { addRecurrentLayer, type RecurrentGraphInputs } from './recurrent.js';
import { OnnxGraphBuilder, type ModelOptions } from './graph-builder.js';
import { DataType } from '../schema.js';

/** A model `exportModelOnnx` can write. */
export type ExportableModel = CharLm | Forecaster | SequenceClassifier;

export interface ModelExportOptions extends ModelOptions {
  /** Add a Softmax over the classes / characters and an output 'probabilities' beside 'logits'. Not for Forecaster. Default false. */
  softmax?: boolean;
  /** CharLm: inputs 'h0' (and 'c0') and outputs 'h_n' (and 'c_n'), so generation can carry the state. Default true. */
  initialState?: boolean;
}

const KNOWN = ['softmax', 'initialState', 'opset', 'producerName', 'producerVersion', 'docString'];

/**
 * A whole model as one ONNX graph (inference: dropout is off), for onnxruntime and other runtimes.
 *
 * - CharLm: 'ids' int64 [seq, batch] (, 'h0', 'c0' [layers, batch, H]) -> 'logits' [seq, batch, vocab]
 *   (, 'probabilities'), 'h_n' (, 'c_n'). Feeding h_n/c_n back as h0/c0 continues the text.
 * - Forecaster: 'input' float [batch, window, features] -> 'output' [batch, horizon] (with a
 *   highway, the window must hold at least its steps).
 * - SequenceClassifier: 'ids' int64 [seq, batch] (tokens) or 'input' float [seq, batch, features],
 *   and 'lengths' int32 [batch] -> 'logits' [batch, classes] (, 'probabilities'); with pooling
 *   'mean' the head reads the outputs averaged over each sequence's own steps.
 *
 * @example
 * const bytes = exportModelOnnx(charLm, { softmax: true });
 * // onnxruntime: session.run({ ids: new ort.Tensor('int64', ids, [T, 1]), h0, c0 })
 */
export function exportModelOnnx(model: ExportableModel, options: ModelExportOptions = {}): Uint8Array {
  if (typeof options !== 'object' || options === null) throw new OptionError('exportModelOnnx: options must be an object');
  const unknown = Object.keys(options).filter((k) => !KNOWN.includes(k));
  if (unknown.length > 0) throw new OptionError(`exportModelOnnx: unknown option(s) ${unknown.join(', ')}; known: ${KNOWN.join(', ')}`);
  let b: OnnxGraphBuilder;
  if (model instanceof CharLm) b = charLmGraph(model, options);
  else if (model instanceof Forecaster) {
    if (options.softmax) throw new OptionError('exportModelOnnx: softmax does not apply to a Forecaster (its outputs are values, not classes)');
    if (options.initialState !== undefined) throw new OptionError('exportModelOnnx: initialState applies to CharLm only; a Forecaster starts each window from zeros');
    b = forecasterGraph(model);
  } else if (model instanceof SequenceClassifier) {
    if (options.initialState !== undefined) throw new OptionError('exportModelOnnx: initialState applies to CharLm only; a SequenceClassifier starts each sequence from zeros');
    b = classifierGraph(model, options.softmax ?? false);
  } else {
    const found = typeof model === 'object' && model !== null ? (model as object).constructor.name : typeof model;
    throw new OptionError(`exportModelOnnx: expected a CharLm, Forecaster or SequenceClassifier, got ${found} (export a bare recurrent layer with exportOnnx)`);
  }
  const modelOptions: ModelOptions = { producerName: options.producerName ?? 'recur' };
  if (options.opset !== undefined) modelOptions.opset = options.opset;
  if (options.producerVersion !== undefined) modelOptions.producerVersion = options.producerVersion;
  if (options.docString !== undefined) modelOptions.docString = options.docString;
  return b.toBytes(modelOptions);
}

/** ids int64 [...] -> Gather rows of the embedding table -> [..., dim]. */
function addEmbedding(b: OnnxGraphBuilder, weight: { data: Float32Array; shape: readonly number[] }, ids: string): string {
  const table = b.addInitializer('embedding.weight', weight.data, weight.shape);
  return b.addNode('Gather', [table, ids], { axis: { i: 0 } }, 1, 'embedding')[0]!;
}

/**
 * x [..., in] -> [..., out]: Gemm for 2-D input, MatMul (+ Add) otherwise (Gemm is 2-D only).
 * Initializers are named after the module (`fc.weight`, ...), as in the state dict.
 */
function addLinear(b: OnnxGraphBuilder, fc: Linear, x: string, rank: number, output: string, name = 'fc'): string {
  const [out, inF] = fc.weight.shape as [number, number];
  if (rank === 2) {
    const w = b.addInitializer(`${name}.weight`, fc.weight.data, [out, inF]);
    const inputs = fc.bias ? [x, w, b.addInitializer(`${name}.bias`, fc.bias.data, [out])] : [x, w];
    return b.addNode('Gemm', inputs, { transB: { i: 1 } }, [output], name)[0]!;
  }
  const wt = new Float32Array(inF * out);
  for (let r = 0; r < out; r++) for (let c = 0; c < inF; c++) wt[c * out + r] = fc.weight.data[r * inF + c]!;
  const w = b.addInitializer(`${name}.weight_t`, wt, [inF, out]);
  if (!fc.bias) return b.addNode('MatMul', [x, w], {}, [output], name)[0]!;
  const y = b.addNode('MatMul', [x, w], {}, 1, `${name}_matmul`)[0]!;
  return b.addNode('Add', [y, b.addInitializer(`${name}.bias`, fc.bias.data, [out])], {}, [output], `${name}_bias`)[0]!;
}

function addSoftmax(b: OnnxGraphBuilder, logits: string, shape: Array<string | number>): void {
  b.addNode('Softmax', [logits], { axis: { i: -1 } }, ['probabilities'], 'softmax');
  b.addOutput('probabilities', shape);
}

function charLmGraph(m: CharLm, options: ModelExportOptions): OnnxGraphBuilder {
  const b = new OnnxGraphBuilder('recur_charlm');
  const { numLayers: L, hiddenSize: H, mode } = m.rnn.options;
  const V = m.config.vocabSize;
  const ids = b.addInput('ids', ['seq', 'batch'], DataType.INT64);
  const io: RecurrentGraphInputs = { input: addEmbedding(b, m.embedding.weight, ids) };
  const stream = options.initialState ?? true;
  if (stream) {
    io.h0 = b.addInput('h0', [L, 'batch', m.rnn.outSize]);
    if (mode === 'lstm') io.c0 = b.addInput('c0', [L, 'batch', H]);
  }
  const out = addRecurrentLayer(b, m.rnn, io, 'rnn');
  const logits = addLinear(b, m.fc, out.output, 3, 'logits');
  b.addOutput(logits, ['seq', 'batch', V]);
  if (options.softmax) addSoftmax(b, logits, ['seq', 'batch', V]);
  b.addNode('Identity', [out.hN], {}, ['h_n']);
  b.addOutput('h_n', [L, 'batch', m.rnn.outSize]);
  if (out.cN) {
    b.addNode('Identity', [out.cN], {}, ['c_n']);
    b.addOutput('c_n', [L, 'batch', H]);
  }
  return b;
}

function forecasterGraph(m: Forecaster): OnnxGraphBuilder {
  const b = new OnnxGraphBuilder('recur_forecaster');
  const input = b.addInput('input', ['batch', 'window', m.config.inputSize]);
  // The model's layer is time-major; the model itself reads batch-first windows.
  const x = b.addNode('Transpose', [input], { perm: { ints: [1, 0, 2] } }, 1, 'to_time_major')[0]!;
  const out = addRecurrentLayer(b, m.rnn, { input: x }, 'rnn');
  const lastIndex = b.addInt64Initializer('last_step', [-1], []);
  const last = b.addNode('Gather', [out.output, lastIndex], { axis: { i: 0 } }, 1, 'last_step')[0]!;
  if (!m.highway) {
    b.addOutput(addLinear(b, m.fc, last, 2, 'output'), ['batch', m.config.horizon]);
    return b;
  }
  // fc(h_last) + highway(input[:, -k:] flattened per row), k = config.highway.
  const head = addLinear(b, m.fc, last, 2, 'fc_out');
  const k = m.config.highway!;
  const steps = b.addNode(
    'Slice',
    [input, b.addInt64Initializer('highway_start', [-k]), b.addInt64Initializer('highway_end', [Number.MAX_SAFE_INTEGER]), b.addInt64Initializer('highway_axis', [1])],
    {},
    1,
    'highway_steps',
  )[0]!;
  const flat = b.addNode('Reshape', [steps, b.addInt64Initializer('highway_flat', [0, -1])], {}, 1, 'highway_flatten')[0]!;
  const linear = addLinear(b, m.highway, flat, 2, 'highway_out', 'highway');
  b.addNode('Add', [head, linear], {}, ['output'], 'highway_add');
  b.addOutput('output', ['batch', m.config.horizon]);
  return b;
}

function classifierGraph(m: SequenceClassifier, softmax: boolean): OnnxGraphBuilder {
  const b = new OnnxGraphBuilder('recur_classifier');
  const { numLayers: L } = m.rnn.options;
  const D = m.rnn.numDirections;
  const C = m.config.numClasses;
  let x: string;
  if (m.embedding) x = addEmbedding(b, m.embedding.weight, b.addInput('ids', ['seq', 'batch'], DataType.INT64));
  else x = b.addInput('input', ['seq', 'batch', m.rnn.options.inputSize]);
  const lengths = b.addInput('lengths', ['batch'], DataType.INT32);
  const out = addRecurrentLayer(b, m.rnn, { input: x, lengths }, 'rnn');
  if (m.config.pooling === 'mean') {
    // Outputs past each sequence's length are zeros (ONNX sequence_lens), so the sum over all steps / length is the mean.
    // The sum over time as [batch, D*H, seq] x ones [seq, 1] (MatMul, which every importer has; recur's has no ReduceSum).
    const seq = b.addNode('Slice', [b.addNode('Shape', [out.output])[0]!, b.addInt64Initializer('seq_start', [0]), b.addInt64Initializer('seq_end', [1])], {}, 1, 'seq_length')[0]!;
    const ones = b.addNode('Add', [b.addNode('ConstantOfShape', [seq], {}, 1, 'zeros_seq')[0]!, b.addInitializer('one', Float32Array.of(1), [1])], {}, 1, 'ones_seq')[0]!;
    const onesColumn = b.addNode('Unsqueeze', [ones, b.addInt64Initializer('ones_axis', [1])], {}, 1, 'ones_column')[0]!;
    const perBatchSteps = b.addNode('Transpose', [out.output], { perm: { ints: [1, 2, 0] } }, 1, 'batch_features_seq')[0]!;
    const summed = b.addNode('MatMul', [perBatchSteps, onesColumn], {}, 1, 'sum_over_time')[0]!;
    const sum = b.addNode('Squeeze', [summed, b.addInt64Initializer('sum_axis', [2])], {}, 1, 'sum_squeeze')[0]!;
    const steps = b.addNode('Cast', [lengths], { to: { i: DataType.FLOAT } }, 1, 'lengths_float')[0]!;
    const column = b.addNode('Unsqueeze', [steps, b.addInt64Initializer('batch_column', [1])], {}, 1, 'lengths_column')[0]!;
    const mean = b.addNode('Div', [sum, column], {}, 1, 'mean_over_time')[0]!;
    const pooled = addLinear(b, m.fc, mean, 2, 'logits');
    b.addOutput(pooled, ['batch', C]);
    if (softmax) addSoftmax(b, pooled, ['batch', C]);
    return b;
  }
  // h_n rows of the last layer [D, batch, H] -> [batch, D*H], forward direction first (as concatLast).
  let finals = out.hN;
  if (L > 1) {
    const start = b.addInt64Initializer('last_layer_start', [(L - 1) * D]);
    const end = b.addInt64Initializer('last_layer_end', [L * D]);
    finals = b.addNode('Slice', [finals, start, end, b.addInt64Initializer('last_layer_axis', [0])], {}, 1, 'last_layer')[0]!;
  }
  const perBatch = b.addNode('Transpose', [finals], { perm: { ints: [1, 0, 2] } }, 1, 'batch_first')[0]!;
  const flat = b.addNode('Reshape', [perBatch, b.addInt64Initializer('concat_directions', [0, -1])], {}, 1, 'concat_directions')[0]!;
  const logits = addLinear(b, m.fc, flat, 2, 'logits');
  b.addOutput(logits, ['batch', C]);
  if (softmax) addSoftmax(b, logits, ['batch', C]);
  return b;
}
