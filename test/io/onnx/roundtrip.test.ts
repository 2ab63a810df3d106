import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { noGrad } from '../../../src/autograd/graph.js';
import { Rng } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { lstm } from '../../../src/nn/layers/factories.js';
import { exportOnnx } from '../../../src/io/onnx/export/recurrent.js';
import { loadOnnx } from '../../../src/io/onnx/import/load.js';
import { assertClose, makeLayer, randomTensor } from './helpers.js';

/** export -> loadOnnx -> run gives recur's own forward back (weights survive the gate reordering twice). */
describe('ONNX round trip', () => {
  for (const kind of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as const) {
    for (const [numLayers, bidirectional, batchFirst, bias] of [[1, false, false, true], [2, true, true, false], [2, true, false, true]] as const) {
      const name = `${kind} L${numLayers}${bidirectional ? ' bi' : ''}${batchFirst ? ' bf' : ''}${bias ? '' : ' nobias'}`;
      test(name, () => {
        const layer = makeLayer(kind, { inputSize: 3, hiddenSize: 4, numLayers, bidirectional, batchFirst, bias, seed: 11 });
        const rng = new Rng(5);
        const B = 2, T = 5, n = layer.options.numLayers * layer.numDirections;
        const x = randomTensor(batchFirst ? [B, T, 3] : [T, B, 3], rng);
        const h0 = randomTensor([n, B, 4], rng, 0.5);
        const c0 = randomTensor([n, B, 4], rng, 0.5);
        const lengths = [5, 3];
        const isLstm = kind === 'lstm';
        const ref = noGrad(() => layer.forward(x, isLstm ? { h: h0, c: c0 } : { h: h0 }, { lengths }));
        const model = loadOnnx(exportOnnx(layer, { lengths: true }));
        assert.deepEqual(model.inputs.map((i) => i.name), isLstm ? ['input', 'h0', 'c0', 'lengths'] : ['input', 'h0', 'lengths']);
        const feeds: Record<string, Tensor> = { input: x, h0, lengths: new Tensor(lengths, [B]) };
        if (isLstm) feeds.c0 = c0;
        const got = model.run(feeds);
        assertClose(got.output!, ref.output, 'output', 1e-6);
        assertClose(got.h_n!, ref.state.h, 'h_n', 1e-6);
        if (isLstm) assertClose(got.c_n!, ref.state.c!, 'c_n', 1e-6);
      });
    }
  }

  for (const [numLayers, bidirectional, batchFirst, withLengths] of [[1, false, false, false], [2, true, true, true]] as const) {
    test(`projected lstm L${numLayers}${bidirectional ? ' bi' : ''}${batchFirst ? ' bf' : ''}${withLengths ? ' lengths' : ''} (Scan, Range, Less)`, () => {
      const layer = lstm({ inputSize: 3, hiddenSize: 5, projSize: 2, numLayers, bidirectional, batchFirst, seed: 8 });
      const rng = new Rng(6);
      const B = 3, T = 4, n = numLayers * layer.numDirections;
      const x = randomTensor(batchFirst ? [B, T, 3] : [T, B, 3], rng);
      const h0 = randomTensor([n, B, 2], rng, 0.5);
      const c0 = randomTensor([n, B, 5], rng, 0.5);
      const lengths = [4, 1, 3];
      const ref = noGrad(() => layer.forward(x, { h: h0, c: c0 }, withLengths ? { lengths } : {}));
      const model = loadOnnx(exportOnnx(layer, { lengths: withLengths }));
      const feeds: Record<string, Tensor> = { input: x, h0, c0 };
      if (withLengths) feeds.lengths = new Tensor(lengths, [B]);
      const got = model.run(feeds);
      assertClose(got.output!, ref.output, 'output', 1e-6);
      assertClose(got.h_n!, ref.state.h, 'h_n', 1e-6);
      assertClose(got.c_n!, ref.state.c, 'c_n', 1e-6);
    });
  }
});
