import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { noGrad } from '../../../src/autograd/graph.js';
import { gru, lstm } from '../../../src/nn/layers/factories.js';
import type { GruOptions, LstmOptions } from '../../../src/nn/layers/recurrent-options.js';
import type { RecurrentLayer, RecurrentState } from '../../../src/nn/layers/recurrent.js';
import { exportOnnx } from '../../../src/io/onnx/export/recurrent.js';
import { OnnxGraphBuilder, type AttrValue } from '../../../src/io/onnx/export/graph-builder.js';
import { loadOnnx } from '../../../src/io/onnx/import/load.js';
import { Rng } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assertClose, ErrorLog, randomTensor, runOrt, type Feed } from '../../io/onnx/helpers.js';
import { maxAbsDiff, randomizeParams } from './helpers.js';

/**
 * The variants ONNX's LSTM/GRU operators express (peepholes P, input_forget, clip,
 * linear_before_reset=0), exported with exportOnnx and run by onnxruntime, must match recur's
 * forward; loadOnnx must read the same model back and agree with onnxruntime.
 */

interface Case {
  name: string;
  kind: 'lstm' | 'gru';
  opts: Partial<LstmOptions & GruOptions>;
  /** options of the same layer without the variant, to show the variant changes the output */
  plain: Partial<LstmOptions & GruOptions>;
  lengths?: boolean;
  state?: boolean;
}

const cases: Case[] = [
  { name: 'LSTM peephole', kind: 'lstm', opts: { peephole: true }, plain: {} },
  { name: 'LSTM coupled input-forget', kind: 'lstm', opts: { coupleInputForget: true }, plain: {} },
  { name: 'LSTM clip 0.7', kind: 'lstm', opts: { clip: 0.7 }, plain: {} },
  { name: 'LSTM peephole+coupled+clip, 2 layers, bidirectional, lengths, h0', kind: 'lstm', opts: { peephole: true, coupleInputForget: true, clip: 1, numLayers: 2, bidirectional: true }, plain: { numLayers: 2, bidirectional: true }, lengths: true, state: true },
  { name: 'LSTM peephole+clip batchFirst', kind: 'lstm', opts: { peephole: true, clip: 0.8, batchFirst: true }, plain: { batchFirst: true }, state: true },
  { name: 'GRU reset before', kind: 'gru', opts: { resetAfter: false }, plain: {} },
  { name: 'GRU reset before, 2 layers, bidirectional, lengths, h0', kind: 'gru', opts: { resetAfter: false, numLayers: 2, bidirectional: true }, plain: { numLayers: 2, bidirectional: true }, lengths: true, state: true },
  { name: 'GRU reset before + clip 0.6', kind: 'gru', opts: { resetAfter: false, clip: 0.6 }, plain: { resetAfter: false } },
  { name: 'GRU reset after + clip 0.6', kind: 'gru', opts: { clip: 0.6 }, plain: {}, state: true },
];

function build(c: Case, opts: Partial<LstmOptions & GruOptions>, seed: number): RecurrentLayer<RecurrentState> {
  const base = { inputSize: 3, hiddenSize: 5, seed };
  return c.kind === 'lstm' ? lstm({ ...base, ...opts }) : gru({ ...base, ...opts });
}

const log = new ErrorLog();

describe('variants: exportOnnx → onnxruntime and loadOnnx', () => {
  after(() => console.log(`variant max errors vs onnxruntime:\n${log.summary()}`));
  cases.forEach((c, k) => {
    test(c.name, async () => {
      const T = 7, B = 3;
      const rng = new Rng(50 + k);
      const layer = build(c, c.opts, 200 + k);
      // Peepholes start at zero; make them matter. Larger weights push pre-activations past the clip.
      randomizeParams(layer, 'weight_p', 1, rng);
      randomizeParams(layer, 'weight_', 0.9, rng);
      const plain = build(c, c.plain, 200 + k);
      plain.loadStateDict(Object.fromEntries(Object.entries(layer.stateDict()).filter(([n]) => !n.startsWith('weight_p'))));
      const { numLayers, hiddenSize: H, batchFirst } = layer.options;
      const n = numLayers * layer.numDirections;
      const x = randomTensor(batchFirst ? [B, T, 3] : [T, B, 3], rng, 2);
      const h0 = randomTensor([n, B, H], rng, 0.5);
      const c0 = randomTensor([n, B, H], rng, 0.5);
      const lengths = [7, 4, 2];
      const isLstm = c.kind === 'lstm';
      const state = c.state ? (isLstm ? { h: h0, c: c0 } : { h: h0 }) : undefined;
      const fwd = c.lengths ? { lengths } : {};
      const ref = noGrad(() => layer.forward(x, state, fwd));
      const other = noGrad(() => plain.forward(x, state, fwd));
      assert.ok(maxAbsDiff(ref.output.data, other.output.data) > 1e-3, 'the variant changes the output');

      const bytes = exportOnnx(layer, { initialState: c.state ?? false, lengths: c.lengths ?? false });
      const feeds: Record<string, Feed> = { input: x };
      if (c.state) {
        feeds.h0 = h0;
        if (isLstm) feeds.c0 = c0;
      }
      if (c.lengths) feeds.lengths = { int32: lengths, shape: [B] };
      const got = await runOrt(bytes, feeds);
      log.add(c.name, assertClose(got.output!, ref.output, 'onnxruntime output'));
      log.add(c.name, assertClose(got.h_n!, ref.state.h, 'onnxruntime h_n'));
      if (isLstm) log.add(c.name, assertClose(got.c_n!, ref.state.c!, 'onnxruntime c_n'));

      const inputs: Record<string, Tensor> = { input: x };
      if (c.state) {
        inputs.h0 = h0;
        if (isLstm) inputs.c0 = c0;
      }
      if (c.lengths) inputs.lengths = new Tensor(lengths, [B]);
      const loaded = loadOnnx(bytes).run(inputs);
      log.add(`${c.name} (loadOnnx)`, assertClose(loaded.output!, got.output!, 'loadOnnx output'));
      log.add(`${c.name} (loadOnnx)`, assertClose(loaded.h_n!, got.h_n!, 'loadOnnx h_n'));
      if (isLstm) log.add(`${c.name} (loadOnnx)`, assertClose(loaded.c_n!, got.c_n!, 'loadOnnx c_n'));
    });
  });

  test('hand-built nodes (ONNX defaults, P in ONNX order i, o, f) load and match onnxruntime', async () => {
    const rng = new Rng(9);
    const I = 3, H = 4, T = 5, B = 2;
    const build = (op: 'LSTM' | 'GRU', attrs: Record<string, AttrValue>, withP: boolean): Uint8Array => {
      const G = (op === 'LSTM' ? 4 : 3) * H;
      const b = new OnnxGraphBuilder('hand');
      b.addInput('X', [T, B, I]);
      const w = b.addInitializer('W', randomTensor([1, G, I], rng, 0.8).data, [1, G, I]);
      const r = b.addInitializer('R', randomTensor([1, G, H], rng, 0.8).data, [1, G, H]);
      const bias = b.addInitializer('B', randomTensor([1, 2 * G], rng, 0.5).data, [1, 2 * G]);
      const p = withP ? b.addInitializer('P', randomTensor([1, 3 * H], rng, 1).data, [1, 3 * H]) : '';
      b.addNode(op, ['X', w, r, bias, '', '', '', p], { hidden_size: { i: H }, ...attrs }, ['Y', 'Y_h'], 'node');
      b.addOutput('Y', [T, 1, B, H]);
      b.addOutput('Y_h', [1, B, H]);
      return b.toBytes({ opset: 14 });
    };
    const x = randomTensor([T, B, I], rng, 2);
    const models: Array<[string, Uint8Array]> = [
      ['GRU without linear_before_reset (default 0)', build('GRU', {}, false)],
      ['GRU clip 0.5', build('GRU', { clip: { f: 0.5 }, linear_before_reset: { i: 1 } }, false)],
      ['LSTM P + input_forget + clip 1', build('LSTM', { input_forget: { i: 1 }, clip: { f: 1 } }, true)],
      ['LSTM P only', build('LSTM', {}, true)],
    ];
    for (const [name, bytes] of models) {
      const want = await runOrt(bytes, { X: x });
      const got = loadOnnx(bytes).run({ X: x });
      log.add(`hand-built ${name}`, assertClose(got.Y!, want.Y!, `${name}: Y`));
      log.add(`hand-built ${name}`, assertClose(got.Y_h!, want.Y_h!, `${name}: Y_h`));
    }
  });

  test('layerNorm and zoneout are refused by exportOnnx with a reason', () => {
    assert.throws(() => exportOnnx(lstm({ inputSize: 2, hiddenSize: 3, layerNorm: true })), /layer-normalised LSTM has no ONNX operator/);
    assert.throws(() => exportOnnx(gru({ inputSize: 2, hiddenSize: 3, zoneout: 0.1 })), /zoneout \(0.1\)/);
    // Recurrent dropout is off at inference, so the plain operator is exact.
    assert.doesNotThrow(() => exportOnnx(lstm({ inputSize: 2, hiddenSize: 3, recurrentDropout: 0.3 })));
  });
});
