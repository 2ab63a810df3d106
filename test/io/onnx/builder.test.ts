import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { noGrad } from '../../../src/autograd/graph.js';
import { lstm } from '../../../src/nn/layers/factories.js';
import { Rng } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { addRecurrentLayer } from '../../../src/io/onnx/export/recurrent.js';
import { OnnxGraphBuilder } from '../../../src/io/onnx/export/graph-builder.js';
import { loadOnnx } from '../../../src/io/onnx/import/load.js';
import { decodeModel, encodeModel } from '../../../src/io/onnx/proto.js';
import { DataType } from '../../../src/io/onnx/schema.js';
import { assertClose, randomTensor, runOrt } from './helpers.js';

/** The builder composes a recurrent layer with heads, as model exporters will (Gather → LSTM → MatMul+Add → LogSoftmax). */
describe('OnnxGraphBuilder', () => {
  test('embedding → LSTM → linear → log-softmax runs the same in onnxruntime, loadOnnx and recur', async () => {
    const V = 6, E = 3, H = 4, B = 2, T = 5;
    const rng = new Rng(3);
    const emb = randomTensor([V, E], rng);
    const fcW = randomTensor([H, V], rng, 0.5); // stored [in, out] so MatMul needs no transpose
    const fcB = randomTensor([V], rng, 0.5);
    const layer = lstm({ inputSize: E, hiddenSize: H, batchFirst: true, seed: 9 });

    const b = new OnnxGraphBuilder('char_lm');
    b.addInput('ids', ['batch', 'seq'], DataType.INT64);
    const x = b.addNode('Gather', [b.addInitializer('embedding.weight', emb.data, [V, E]), 'ids'])[0]!;
    const rnn = addRecurrentLayer(b, layer, { input: x }, 'rnn');
    const z = b.addNode('MatMul', [rnn.output, b.addInitializer('fc.weight_t', fcW.data, [H, V])])[0]!;
    const logits = b.addNode('Add', [z, b.addInitializer('fc.bias', fcB.data, [V])])[0]!;
    b.addNode('LogSoftmax', [logits], { axis: { i: -1 } }, ['log_probs']);
    b.addOutput('log_probs', ['batch', 'seq', V]);
    b.addNode('Identity', [rnn.hN], {}, ['h_n']);
    b.addOutput('h_n', [1, 'batch', H]);
    const bytes = b.toBytes({ opset: 17, docString: 'test model' });

    const ids = Array.from({ length: B * T }, () => rng.int(V));
    const ort = await runOrt(bytes, { ids: { int64: ids, shape: [B, T] } });
    const ours = loadOnnx(bytes).run({ ids: new Tensor(ids, [B, T]) });

    // recur by hand: look up, run the layer, project, log-softmax.
    const xs = new Float32Array(B * T * E);
    ids.forEach((id, i) => xs.set(emb.data.subarray(id * E, (id + 1) * E), i * E));
    const ref = noGrad(() => layer.forward(new Tensor(xs, [B, T, E])));
    const lp = new Float32Array(B * T * V);
    for (let r = 0; r < B * T; r++) {
      const row = Array.from({ length: V }, (_, v) => fcB.data[v]! + Array.from({ length: H }, (_, h) => ref.output.data[r * H + h]! * fcW.data[h * V + v]!).reduce((a, c) => a + c, 0));
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((a, c) => a + Math.exp(c - m), 0));
      row.forEach((v, k) => (lp[r * V + k] = v - lse));
    }
    const want = new Tensor(lp, [B, T, V]);
    assertClose(ort.log_probs!, want, 'onnxruntime vs recur');
    assertClose(ours.log_probs!, want, 'loadOnnx vs recur');
    assertClose(ours.h_n!, ref.state.h, 'h_n');
  });

  test('Scan bodies may read outer-scope values (free names); onnxruntime agrees', async () => {
    const b = new OnnxGraphBuilder('scan');
    b.addInput('x', ['seq', 'batch', 2]);
    b.addInput('s0', ['batch', 2]);
    b.addInput('shift', [2]);
    const body = new OnnxGraphBuilder('body', b);
    body.addInput('s_in', ['batch', 2]);
    body.addInput('x_t', ['batch', 2]);
    const sum = body.addNode('Add', ['s_in', 'x_t'])[0]!;
    body.addNode('Mul', [body.addNode('Add', [sum, 'shift'])[0]!, body.addInitializer('half', Float32Array.of(0.5), [])], {}, ['s_out']);
    body.addNode('Tanh', ['s_out'], {}, ['y_t']);
    body.addOutput('s_out', ['batch', 2]);
    body.addOutput('y_t', ['batch', 2]);
    b.addNode('Scan', ['s0', 'x'], { body: { g: body.toGraph() }, num_scan_inputs: { i: 1 }, scan_input_directions: { ints: [1] } }, ['s_final', 'ys']);
    b.addOutput('s_final', ['batch', 2]);
    b.addOutput('ys', ['seq', 'batch', 2]);
    const bytes = b.toBytes({ opset: 16 });
    const rng = new Rng(2);
    const feeds = { x: randomTensor([4, 3, 2], rng), s0: randomTensor([3, 2], rng), shift: randomTensor([2], rng) };
    const want = await runOrt(bytes, feeds);
    const got = loadOnnx(bytes).run(feeds);
    assertClose(got.s_final!, want.s_final!, 's_final');
    assertClose(got.ys!, want.ys!, 'ys');
  });

  test('names are kept unique; reusing a declared name is an error', () => {
    const b = new OnnxGraphBuilder();
    assert.equal(b.unique('w'), 'w');
    assert.equal(b.unique('w'), 'w_1');
    b.addInput('x', [1]);
    assert.throws(() => b.addInput('x', [1]), /the name 'x' is already used/);
  });

  test('encode/decode keeps dims, dim_params, attributes and float_data tensors', () => {
    const b = new OnnxGraphBuilder('g');
    b.addInput('x', ['n', 2]);
    b.addNode('Softmax', ['x'], { axis: { i: 1 } }, ['y'], 'sm');
    b.addOutput('y', ['n', 2]);
    const m = b.toModel();
    m.graph.initializer.push({ name: 'unused', dims: [2], dataType: DataType.FLOAT, floatData: [1.5, -2] });
    const back = decodeModel(encodeModel(m));
    assert.deepEqual(back.graph.input[0], { name: 'x', elemType: DataType.FLOAT, shape: ['n', 2] });
    assert.deepEqual(back.graph.node[0]!.attribute[0]!.i, 1);
    assert.deepEqual(back.graph.initializer[0]!.floatData, [1.5, -2]);
    assert.deepEqual(back.opsetImport, [{ domain: '', version: 14 }]);
    const run = loadOnnx(encodeModel(m)).run({ x: new Tensor([0, 0, 1, 1], [2, 2]) });
    assertClose(run.y!, new Tensor([0.5, 0.5, 0.5, 0.5], [2, 2]), 'softmax');
  });
});
